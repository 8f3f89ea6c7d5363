// The periodic jobs' runner: each job on its own timer, never overlapping itself, a failure logged
// and the next tick run anyway, and one call stopping them all.
import assert from 'node:assert/strict';
import type { FastifyBaseLogger } from 'fastify';
import { startJobs, type PeriodicJob, type Timers } from '../../../src/server/jobs/periodic-jobs';

/** Timers that fire only when the test says so. */
function manualTimers() {
  const live = new Map<number, { run: () => void; ms: number }>();
  let next = 1;
  const timers: Timers = {
    setInterval: (run, ms) => {
      const id = next++;
      live.set(id, { run, ms });
      return { id, unref() {} } as never;
    },
    clearInterval: (handle) => void live.delete((handle as { id: number }).id),
  };
  return { timers, live, tick: (ms: number) => [...live.values()].filter((t) => t.ms === ms).forEach((t) => t.run()) };
}

function recordingLog(): { log: FastifyBaseLogger; errors: string[] } {
  const errors: string[] = [];
  return { log: { error: (_details: unknown, message: string) => errors.push(message) } as unknown as FastifyBaseLogger, errors };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('periodic jobs', () => {
  it('runs each job on its own interval and skips a tick while the previous run is still going', async () => {
    const { timers, tick } = manualTimers();
    let runs = 0;
    let finish: () => void = () => {};
    const slow: PeriodicJob = {
      name: 'slow',
      intervalMs: 1000,
      run: () => (runs++, new Promise<void>((done) => (finish = done))),
    };
    let quickRuns = 0;
    const quick: PeriodicJob = { name: 'quick', intervalMs: 500, run: async () => void quickRuns++ };
    startJobs([slow, quick], recordingLog().log, timers);

    tick(1000);
    tick(1000);
    assert.equal(runs, 1, 'the second tick came while the first run was going');
    tick(500);
    assert.equal(quickRuns, 1, 'the other job keeps its own timer');
    finish();
    await settle();
    tick(1000);
    assert.equal(runs, 2, 'once the run has finished, the next tick runs again');
  });

  it('logs a failed run by the job name and runs again at the next tick', async () => {
    const { timers, tick } = manualTimers();
    const { log, errors } = recordingLog();
    let runs = 0;
    startJobs(
      [{ name: 'renewals', intervalMs: 10, run: async () => void (runs++, assert.fail('store is closed')) }],
      log,
      timers,
    );
    tick(10);
    await settle();
    tick(10);
    await settle();
    assert.equal(runs, 2);
    assert.deepEqual(errors, ['renewals failed', 'renewals failed']);
  });

  it('stops every timer with the one call it answers', () => {
    const { timers, live } = manualTimers();
    const stop = startJobs(
      [
        { name: 'a', intervalMs: 1, run: async () => {} },
        { name: 'b', intervalMs: 2, run: async () => {} },
      ],
      recordingLog().log,
      timers,
    );
    assert.equal(live.size, 2);
    stop();
    assert.equal(live.size, 0);
  });
});
