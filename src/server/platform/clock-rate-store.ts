// A store for @fastify/rate-limit that reads the server's clock instead of Date.now(), so that a
// window of 15 minutes passes when a test moves its manual clock, and no test sleeps. Each window is
// fixed: it opens at a key's first count and lasts `timeWindow`; then the key starts again from
// zero. Counts live in this process's memory (lost on restart, not shared between processes).
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';

interface Window {
  current: number;
  startedAt: number;
}
type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Past this many keys, windows that have ended are dropped (an attacker cycling emails cannot grow memory without end). */
const PRUNE_ABOVE_KEYS = 10_000;

export function clockStore(clock: () => Date): FastifyRateLimitStoreCtor {
  class ClockStore implements FastifyRateLimitStore {
    private readonly windows = new Map<string, Window>();

    incr(key: string, callback: Callback, timeWindow: number): void {
      const now = clock().getTime();
      let window = this.live(key, now, timeWindow);
      if (!window) {
        if (this.windows.size >= PRUNE_ABOVE_KEYS) this.prune(now, timeWindow);
        window = { current: 0, startedAt: now };
        this.windows.set(key, window);
      }
      window.current += 1;
      callback(null, { current: window.current, ttl: window.startedAt + timeWindow - now });
    }

    /** The count without adding to it: the library's `{ increment: false }`. */
    read(key: string, callback: Callback, timeWindow: number): void {
      const now = clock().getTime();
      const window = this.live(key, now, timeWindow);
      callback(null, window ? { current: window.current, ttl: window.startedAt + timeWindow - now } : { current: 0, ttl: 0 });
    }

    child(): FastifyRateLimitStore {
      return new ClockStore();
    }

    private live(key: string, now: number, timeWindow: number): Window | undefined {
      const window = this.windows.get(key);
      return window && now < window.startedAt + timeWindow ? window : undefined;
    }

    private prune(now: number, timeWindow: number): void {
      for (const [key, window] of this.windows) if (now >= window.startedAt + timeWindow) this.windows.delete(key);
      // Still full of live windows: the oldest go first (Map keeps insertion order).
      for (const key of this.windows.keys()) {
        if (this.windows.size < PRUNE_ABOVE_KEYS) break;
        this.windows.delete(key);
      }
    }
  }
  return ClockStore as unknown as FastifyRateLimitStoreCtor;
}
