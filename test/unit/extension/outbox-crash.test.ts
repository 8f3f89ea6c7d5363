// The crash test: a process holding committed-but-unreported usage is killed with SIGKILL; the next
// one to start on the same folder adopts its outbox and sends it. Every commit that was durable
// (written at the end of its turn) reaches the server, and each report id is recorded exactly once.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LeaseServerDouble } from '../../support/lease-server-double';

const child = path.join(__dirname, 'fixtures/outbox-child.ts');
// tsx as a require hook, in the same process: `tsx` the CLI would run the script in a grandchild that SIGKILL misses.
const tsx = require.resolve('tsx/cjs');

/** Runs the child; resolves with its stdout lines once `until` holds (then kills it) or it exits. */
function run(args: string[], until?: (lines: string[]) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--require', tsx, child, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let buffer = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
      if (until?.(lines)) proc.kill('SIGKILL');
    });
    proc.on('error', reject);
    proc.on('exit', () => resolve(lines));
  });
}

describe('extension: the outbox survives a crash', function () {
  this.timeout(60_000);
  let double: LeaseServerDouble;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tally-outbox-crash-'));
    double = new LeaseServerDouble({ credits: 1_000_000_00 });
  });
  after(async () => {
    await double.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends every durable commit of a killed process exactly once after a restart', async () => {
    const url = await double.start();
    const durable = new Map<string, number>();
    const lines = await run(
      [dir, url, 'crashed-window-1'],
      (seen) =>
        // Killed mid-way: after it reported some usage, while it keeps committing more.
        double.recorded.size > 0 && seen.filter((line) => line.startsWith('durable ')).length >= double.recorded.size + 500,
    );
    for (const line of lines) {
      const [kind, id, credits] = line.split(' ');
      if (kind === 'durable' && id) durable.set(id, Number(credits));
    }
    assert.ok(durable.size >= 500, `the child committed before it was killed (${durable.size})`);
    const unsent = [...durable.keys()].filter((id) => !double.recorded.has(id));
    assert.ok(unsent.length > 0, 'the kill left committed usage unreported (else this test proves nothing)');
    assert.ok(double.recorded.size > 0, 'the child had reported some usage before it died');
    assert.ok(readdirSync(dir).includes('outbox-crashed-window-1.jsonl'), 'its outbox file is left behind');

    const drained = await run([dir, url, 'second-window-2', '--drain']);
    assert.ok(drained.includes('drained'), `the second process finished (${drained.slice(-3).join(' | ')})`);

    for (const [id, credits] of durable) assert.equal(double.recorded.get(id), credits, `report ${id} recorded with its credits`);
    const sentIds = double.received.map((report) => report.id);
    assert.equal(new Set(sentIds).size, double.recorded.size, 'each id recorded once, however often it was sent');
    // What was recorded but never printed as durable was sent from memory just before the kill: still once.
    assert.ok(double.recorded.size <= durable.size + 1000, 'nothing else was recorded');
    assert.deepEqual(readdirSync(dir), [], 'the adopted outbox is emptied and removed, with its lock');
  });
});
