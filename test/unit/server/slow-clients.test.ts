import { strict as assert } from 'node:assert';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ServerTimeouts } from '../../../src/server/platform/timeouts';
import { startTestServer, type TestServer } from '../../support/server';

// The production deadlines scaled down 10×: headers 1 s, the whole request 2 s, checked every 100 ms.
const TIMEOUTS: ServerTimeouts = { headersMs: 1_000, requestMs: 2_000, idleMs: 2_000, keepAliveMs: 500, checkIntervalMs: 100 };
const SOCKETS = 200;
const DRIP_MS = 200;
/** Two shared cores: the server sweeps every 100 ms, but a busy machine may run it late. */
const SLACK_MS = 750;

interface Dripper {
  kind: 'headers' | 'body';
  /** Milliseconds from the first byte until the server closed the socket; undefined while open. */
  closedAfterMs: Promise<number | undefined>;
}

/** A client that sends a request slowly, one byte every DRIP_MS, until the server closes the socket or `giveUpMs` passes. */
function drip(port: number, kind: 'headers' | 'body', giveUpMs: number): Dripper {
  const start =
    kind === 'headers'
      ? `GET /api/catalog HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `
      : `POST /contact-sales HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\nname=`;
  const socket: Socket = connect(port, '127.0.0.1');
  const closedAfterMs = new Promise<number | undefined>((resolve) => {
    let began = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      resolve(undefined);
    }, giveUpMs);
    socket.on('connect', () => {
      began = performance.now();
      socket.write(start);
      timer = setInterval(() => socket.write('a'), DRIP_MS);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve(performance.now() - began);
    });
  });
  return { kind, closedAfterMs };
}

describe('server: slow clients are cut at deadlines while others are served', function () {
  this.timeout(20_000);
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ timeouts: TIMEOUTS });
  });
  afterEach(() => server.close());

  it(`cuts ${SOCKETS} dripping sockets (headers within ${TIMEOUTS.headersMs} ms, bodies within ${TIMEOUTS.requestMs} ms, plus one sweep) and keeps answering others quickly`, async () => {
    const port = Number(new URL(server.baseUrl).port);
    const giveUpMs = TIMEOUTS.requestMs + 5_000;
    const drippers = Array.from({ length: SOCKETS }, (_, i) => drip(port, i % 2 === 0 ? 'headers' : 'body', giveUpMs));

    // Ordinary requests, one every 100 ms, until every dripper is gone.
    let attackOver = false;
    const latencies: number[] = [];
    const ordinary = (async () => {
      while (!attackOver) {
        const began = performance.now();
        const response = await fetch(`${server.baseUrl}/api/catalog`);
        assert.equal(response.status, 200);
        await response.arrayBuffer();
        latencies.push(performance.now() - began);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const closed = await Promise.all(drippers.map(async (d) => ({ kind: d.kind, afterMs: await d.closedAfterMs })));
    attackOver = true;
    await ordinary;

    for (const [kind, deadline] of [
      ['headers', TIMEOUTS.headersMs],
      ['body', TIMEOUTS.requestMs],
    ] as const) {
      const times = closed.filter((c) => c.kind === kind).map((c) => c.afterMs);
      assert.ok(
        times.every((t) => t !== undefined),
        `every ${kind} dripper is closed by the server (${times.filter((t) => t === undefined).length} still open after ${giveUpMs} ms)`,
      );
      const latest = Math.max(...(times as number[]));
      const earliest = Math.min(...(times as number[]));
      assert.ok(
        latest <= deadline + TIMEOUTS.checkIntervalMs + SLACK_MS,
        `${kind}: the last was cut after ${Math.round(latest)} ms (bound ${deadline + TIMEOUTS.checkIntervalMs} ms + slack)`,
      );
      assert.ok(
        earliest >= deadline - 100,
        `${kind}: none was cut before its deadline (the first after ${Math.round(earliest)} ms)`,
      );
    }
    assert.ok(latencies.length >= 10, `ordinary requests kept being served during the attack (${latencies.length})`);
    assert.ok(
      Math.max(...latencies) < 1_000,
      `each ordinary request took under 1 s (slowest ${Math.round(Math.max(...latencies))} ms)`,
    );
  });
});
