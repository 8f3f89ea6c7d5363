// Debian packages the editor harness needs (native build headers, ripgrep, Chromium).
// Installs what is missing when we are root; otherwise says exactly what to run.
import { execFileSync, spawnSync } from 'node:child_process';

let aptUpdated = false;

/** True when `dpkg -s` reports the package as installed (not merely known or half-removed). */
function isInstalled(name) {
  const r = spawnSync('dpkg', ['-s', name], { encoding: 'utf8' });
  return r.status === 0 && /^Status: install ok installed$/m.test(r.stdout);
}

/**
 * Makes sure every named Debian package is installed.
 * @param {string[]} names
 * @returns {string[]} the packages that were installed now (empty when nothing was missing)
 */
export function ensureSystemPackages(names) {
  if (spawnSync('dpkg', ['--version']).status !== 0) {
    throw new Error(`ensureSystemPackages: dpkg is not available; install these packages by hand: ${names.join(' ')}`);
  }
  const missing = names.filter((n) => !isInstalled(n));
  if (missing.length === 0) return [];

  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(`Missing Debian packages: ${missing.join(', ')}. Install them as root with:\n  sudo sh -c '${command}'`);
  }
  console.log(`[editor] installing Debian packages: ${missing.join(' ')}`);
  // A noninteractive frontend keeps tzdata & co. from waiting for input; the timeouts bound a
  // stuck mirror instead of hanging the test run.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (!aptUpdated) {
      execFileSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 5 * 60_000 });
      aptUpdated = true;
    }
    execFileSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env, timeout: 15 * 60_000 });
  } catch (err) {
    throw new Error(`Installing Debian packages failed (${missing.join(' ')}): ${err.message}`);
  }
  const still = missing.filter((n) => !isInstalled(n));
  if (still.length > 0) throw new Error(`apt-get finished but these packages are still missing: ${still.join(', ')}`);
  return missing;
}

/** Debian's Chromium, the browser Playwright drives (its own download does not work offline). */
export function ensureChromium() {
  ensureSystemPackages(['chromium']);
  return '/usr/bin/chromium';
}
