// The house's rules over a source tree (the repository, or a fixture laid out like it): no import
// cycles between files nor between the folders of src/server/, imports only down the layers, no
// file over 500 lines, no two files of one name. dependency-cruiser reads and resolves every import
// (type-only ones too) and finds the file cycles; this file finds the folder cycles from the same
// imports, states the layers and words each finding so that a reader knows which file to change.
import type { ICruiseResult, IFlattenedRuleSet, IForbiddenRuleType, IModule, IViolation } from 'dependency-cruiser';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

type Layer = 'protocol' | 'engine' | 'store' | 'server' | 'extension' | 'cli' | 'webview';

/** What each layer may import besides itself (see /work/shared/architecture.md, "Layers"). */
export const layers: Record<Layer, { dir: string; mayImport: Layer[] }> = {
  protocol: { dir: 'src/protocol/', mayImport: [] },
  engine: { dir: 'src/engine/', mayImport: ['protocol'] },
  store: { dir: 'src/store/', mayImport: ['engine', 'protocol'] },
  server: { dir: 'src/server/', mayImport: ['store', 'engine', 'protocol'] },
  extension: { dir: 'src/extension/', mayImport: ['engine', 'protocol'] },
  cli: { dir: 'src/cli/', mayImport: ['protocol'] },
  webview: { dir: 'webview/', mayImport: ['protocol'] },
};

/** The only packages the engine may import: the pure ones it is built on (as purity.test.ts says). */
export const enginePackages = ['zod', 'luxon'];

export const maxLinesPerFile = 500;

export interface ArchitectureFindings {
  /** One line per cycle: "a.ts → b.ts → a.ts", type-only edges marked. */
  cycles: string[];
  /** One line per cycle of src/server/ folders (the shortest through each folder caught in one): an import per step. */
  folderCycles: string[];
  /** One line per import against the layers: "from → to: why". */
  layering: string[];
  /** Files under src/ that sit in no layer's folder. */
  unlayered: string[];
  /** "path: N lines" for each file under src/ over the limit. */
  longFiles: string[];
  /** "name: path, path" for each file name used more than once under src/. */
  duplicateNames: string[];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const layerNames = Object.keys(layers) as Layer[];

/**
 * Server features that must not import each other: bringing an account up to date uses billing
 * and organizations both, so it lives in account-cycle/ and neither needs the other.
 */
const featuresApart: Array<{ name: string; from: string; to: string; reason: string }> = [
  ['billing', 'organizations'],
  ['organizations', 'billing'],
].map(([from, to]) => ({
  name: `apart-${from}-${to}`,
  from: `^src/server/${from}/`,
  to: `^src/server/${to}/`,
  reason: `server/${from} may not import server/${to} (what needs both belongs in server/account-cycle)`,
}));

function ruleSet(): IFlattenedRuleSet {
  const forbidden: IForbiddenRuleType[] = [
    { name: 'cycle', severity: 'error', from: { path: '^(src|webview)/' }, to: { circular: true } },
    {
      name: 'source-imports-tooling',
      severity: 'error',
      from: { path: '^(src|webview)/' },
      to: { path: '^(test|scripts)/' },
    },
    ...featuresApart.map(({ name, from, to }) => ({ name, severity: 'error' as const, from: { path: from }, to: { path: to } })),
  ];
  for (const name of layerNames) {
    const { dir, mayImport } = layers[name];
    const allowed = [name, ...mayImport].map((layer) => `^${escape(layers[layer].dir)}`);
    forbidden.push(
      name === 'engine'
        ? {
            // Anything but the engine, the protocol and its two packages: also Node's modules.
            name: 'layer-engine',
            severity: 'error',
            from: { path: `^${escape(dir)}` },
            to: { pathNot: [...allowed, ...enginePackages.map((p) => `(^|/)node_modules/${escape(p)}/`)] },
          }
        : {
            name: `layer-${name}`,
            severity: 'error',
            from: { path: `^${escape(dir)}` },
            to: { path: '^(src|webview)/', pathNot: allowed },
          },
    );
  }
  return { forbidden };
}

function allowedFor(rule: string): string {
  const apart = featuresApart.find(({ name }) => name === rule);
  if (apart) return apart.reason;
  const name = rule.replace(/^layer-/, '') as Layer;
  const layer = layers[name];
  if (!layer) return 'src/ and webview/ import nothing from test/ or scripts/';
  const may = [name, ...layer.mayImport, ...(name === 'engine' ? enginePackages : [])];
  return `${name} may import only ${may.join(', ')}`;
}

const typeOnly = (types: readonly string[] | undefined) => (types?.includes('type-only') ? ' (type-only)' : '');

function describeCycle(violation: IViolation): { key: string; text: string } {
  // dependency-cruiser gives the cycle from the violation's "to" round to its "from".
  const nodes = [violation.from, ...(violation.cycle ?? []).map((step) => step.name)];
  const edges = (violation.cycle ?? []).map((step) => typeOnly(step.dependencyTypes));
  const members = nodes.slice(0, -1);
  const start = members.indexOf([...members].sort()[0] as string);
  const order = members.map((_, i) => (start + i) % members.length);
  const text = order.map((i) => `${members[i]} →${edges[i]} `).join('') + members[start];
  return { key: order.map((i) => members[i]).join(' '), text };
}

/**
 * The folder of src/server/ a file counts in: its first folder there (organizations/api/ is part of
 * organizations/), or (root) for app.ts and main.ts; undefined outside src/server/.
 */
function serverFolder(file: string): string | undefined {
  const match = /^src\/server\/(.+)$/.exec(file);
  if (!match) return undefined;
  const parts = (match[1] as string).split('/');
  return parts.length === 1 ? '(root)' : `${parts[0]}/`;
}

/** Folder → folder it imports → one file import that makes it (the first by path, so the wording is stable). */
type FolderGraph = Map<string, Map<string, string>>;

function folderGraph(modules: readonly IModule[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const module of [...modules].sort((a, b) => a.source.localeCompare(b.source))) {
    const from = serverFolder(module.source);
    if (!from) continue;
    const targets = graph.get(from) ?? new Map<string, string>();
    graph.set(from, targets);
    for (const dependency of [...module.dependencies].sort((a, b) => a.resolved.localeCompare(b.resolved))) {
      const to = serverFolder(dependency.resolved);
      if (!to || to === from || targets.has(to)) continue;
      targets.set(to, `${module.source} →${typeOnly(dependency.dependencyTypes)} ${dependency.resolved}`);
    }
  }
  return graph;
}

/** Tarjan's strongly connected components: the groups of folders that reach each other. */
function knots(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (folder: string) => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder) as number);
    stack.push(folder);
    for (const next of graph.get(folder)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(folder, Math.min(low.get(folder) as number, low.get(next) as number));
      } else if (stack.includes(next)) {
        low.set(folder, Math.min(low.get(folder) as number, index.get(next) as number));
      }
    }
    if (low.get(folder) !== index.get(folder)) return;
    const knot: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      knot.push(member);
    } while (member !== folder);
    if (knot.length > 1) found.push(knot.sort());
  };
  for (const folder of [...graph.keys()].sort()) if (!index.has(folder)) visit(folder);
  return found;
}

/** The folders on the shortest way from `start` back to itself inside its knot, `start` first. */
function shortestCycle(start: string, knot: readonly string[], graph: FolderGraph): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0 && !cameFrom.has(start)) {
    const folder = queue.shift() as string;
    for (const next of graph.get(folder)?.keys() ?? []) {
      if (!knot.includes(next) || cameFrom.has(next)) continue;
      cameFrom.set(next, folder);
      queue.push(next);
    }
  }
  const round: string[] = [];
  for (let folder = cameFrom.get(start) as string; folder !== start; folder = cameFrom.get(folder) as string)
    round.unshift(folder);
  return [start, ...round];
}

/**
 * One line per cycle: the shortest one through each folder of each knot, once each, told from its
 * first folder by name, each step with an import that makes it:
 * "a/ → b/ (src/server/a/x.ts → src/server/b/y.ts) → a/ (src/server/b/z.ts → src/server/a/w.ts)".
 */
function folderCycles(modules: readonly IModule[]): string[] {
  const graph = folderGraph(modules);
  const lines = new Set<string>();
  for (const knot of knots(graph)) {
    for (const folder of knot) {
      const members = shortestCycle(folder, knot, graph);
      const first = members.indexOf([...members].sort()[0] as string);
      const round = [...members.slice(first), ...members.slice(0, first)];
      round.push(round[0] as string);
      const steps = round.slice(1).map((to, i) => `${to} (${graph.get(round[i] as string)?.get(to)})`);
      lines.add(`${round[0]} → ${steps.join(' → ')}`);
    }
  }
  return [...lines];
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Lines as `wc -l` counts them, plus a last line without its newline. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

const CONVENTIONAL_NAMES = new Set(['main.ts', 'index.ts']);

export async function checkArchitecture(
  root: string,
  { maxLines = maxLinesPerFile }: { maxLines?: number } = {},
): Promise<ArchitectureFindings> {
  const { cruise } = await import('dependency-cruiser');
  const tsConfig = path.join(root, 'tsconfig.json');
  const roots = ['src', 'webview'].filter((dir) => existsSync(path.join(root, dir)));
  const { output } = await cruise(
    roots,
    {
      baseDir: root,
      validate: true,
      ruleSet: ruleSet(),
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
      ...(existsSync(tsConfig) ? { tsConfig: { fileName: tsConfig } } : {}),
    },
    { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  );
  const { modules, summary } = output as ICruiseResult;
  const violations = summary.violations;

  const cycles = new Map<string, string>();
  const layering: string[] = [];
  for (const violation of violations) {
    if (violation.rule.name === 'cycle') {
      const { key, text } = describeCycle(violation);
      cycles.set(key, text);
    } else {
      const to = violation.to === violation.unresolvedTo ? `"${violation.to}"` : violation.to;
      layering.push(`${violation.from} →${typeOnly(violation.dependencyTypes)} ${to}: ${allowedFor(violation.rule.name)}`);
    }
  }

  const files = walk(path.join(root, 'src')).map((file) => path.relative(root, file).split(path.sep).join('/'));
  const unlayered = files
    .filter((file) => !layerNames.some((name) => file.startsWith(layers[name].dir)))
    .map((file) => `${file} is in no layer's folder`);
  const longFiles = files
    .map((file) => ({ file, lines: lineCount(readFileSync(path.join(root, file), 'utf8')) }))
    .filter(({ lines }) => lines > maxLines)
    .map(({ file, lines }) => `${file}: ${lines} lines (over ${maxLines})`);
  const byName = new Map<string, string[]>();
  // Source files only, and not the names that mean a role rather than a topic: a bundle's entry
  // point (main.ts) and a folder's front (index.ts). A folder's README.md is one per folder by design.
  const named = files.filter((file) => /\.tsx?$/.test(file) && !CONVENTIONAL_NAMES.has(path.posix.basename(file)));
  for (const file of named) byName.set(path.posix.basename(file), [...(byName.get(path.posix.basename(file)) ?? []), file]);
  const duplicateNames = [...byName]
    .filter(([, paths]) => paths.length > 1)
    .map(([name, paths]) => `${name}: ${paths.sort().join(', ')}`);

  return {
    cycles: [...cycles.values()].sort(),
    folderCycles: folderCycles(modules).sort(),
    layering: layering.sort(),
    unlayered: unlayered.sort(),
    longFiles: longFiles.sort(),
    duplicateNames: duplicateNames.sort(),
  };
}
