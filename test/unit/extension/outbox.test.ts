import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Outbox, type OutboxEntry } from '../../../src/extension/leases/report-outbox';

const entry = (id: string, credits = 1_00): OutboxEntry => ({
  id,
  credits,
  feature: 'f',
  model: undefined,
  committedAtMs: 0,
  leaseId: 'lease-1',
  accountId: 'a1',
});
const line = (value: OutboxEntry) => JSON.stringify(value) + '\n';
/** The windows' wall clock: fixed, so that a lock's age is the test's to choose. */
const NOW = Date.parse('2026-11-16T10:00:00Z');
const options = { now: () => NOW };

describe('extension: the outbox adopts what dead windows left', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'tally-outbox-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adopts a dead window’s reports (skipping a torn line) and leaves a live window’s alone', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number;
    writeFileSync(
      path.join(dir, 'outbox-deadwin1.jsonl'),
      line(entry('report-0001')) + line(entry('report-0002', 2_50)) + '{"id":"report-00',
    );
    writeFileSync(path.join(dir, 'outbox-deadwin1.lock'), JSON.stringify({ pid: deadPid, at: NOW }));
    writeFileSync(path.join(dir, 'outbox-livewin1.jsonl'), line(entry('report-0003')));
    writeFileSync(path.join(dir, 'outbox-livewin1.lock'), JSON.stringify({ pid: process.pid, at: NOW }));
    // Alive pid, but no heartbeat for minutes: its owner is gone (the pid was reused).
    writeFileSync(path.join(dir, 'outbox-stalewin.jsonl'), line(entry('report-0004')) + line(entry('report-0001')));
    writeFileSync(path.join(dir, 'outbox-stalewin.lock'), JSON.stringify({ pid: process.pid, at: NOW - 10 * 60_000 }));

    const outbox = Outbox.open(dir, 'newwin01', options);
    assert.deepEqual(
      outbox.pending().map((e) => [e.id, e.credits]),
      [
        ['report-0001', 1_00],
        ['report-0002', 2_50],
        ['report-0004', 1_00],
      ],
      'once each, the same id in two files included',
    );
    assert.deepEqual(readdirSync(dir).sort(), [
      'outbox-livewin1.jsonl',
      'outbox-livewin1.lock',
      'outbox-newwin01.jsonl',
      'outbox-newwin01.lock',
    ]);

    // A second window starting now finds nothing to adopt: newwin01 is alive.
    const other = Outbox.open(dir, 'otherwin', options);
    assert.equal(other.size, 0);
    other.close();
    outbox.confirm(['report-0001', 'report-0002']);
    outbox.close();
    const reopened = Outbox.open(dir, 'thirdwin', options);
    assert.deepEqual(
      reopened.pending().map((e) => e.id),
      ['report-0004'],
      'confirmed reports are gone from the file; the rest is adopted after a clean close too',
    );
    reopened.close();
  });
});
