// The durable local outbox: every committed use of credits is written here before it is reported,
// and removed only once the server confirmed it. A crash, a closed window or an outage loses
// nothing: the next window to start adopts what is left and sends it (the server records each
// report id once, so a report sent twice still counts once).
//
// Durability window: `add` only queues in memory (the commit hot path must not touch the disk);
// the queue is appended to the file, in one write, at the end of the current turn of the event
// loop (setImmediate). So a commit is on disk — safe from a crash or SIGKILL of the editor — once
// the turn that made it ends; an OS crash or power loss can also lose what the OS has not yet
// written back (no fsync, to keep the extension host's thread free).
//
// Files, in the folder given (the extension's globalStorage, shared by every window):
//   outbox-<instanceId>.jsonl                  this window's reports, one JSON line each
//   outbox-<instanceId>.adopted-<dead>.jsonl   a dead window's file, being merged into ours
//   outbox-<instanceId>.lock                   {pid, at}: the owner is alive while its pid runs and `at` is fresh
// A window owns every file whose name starts with `outbox-<its id>.`; a starting window adopts the
// files of owners that are dead by renaming them (an atomic step: only one window wins).
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Committed } from './lease-ledger';

export type OutboxEntry = Committed;

export interface OutboxOptions {
  /** How often the lock is refreshed (ms). */
  heartbeatMs?: number;
  /** A lock older than this is dead even if its pid runs (pid reuse) (ms). */
  staleMs?: number;
  /** The wall clock the locks are stamped and judged by (ms); Date.now by default. */
  now?: () => number;
  /** Called after each batch reached the file, with the ids written (tests and diagnostics). */
  onDurable?: (ids: readonly string[]) => void;
}

const FILE = /^outbox-([A-Za-z0-9_-]+)\.(?:adopted-[A-Za-z0-9_-]+\.)?jsonl$/;

export class Outbox {
  /** Pending entries, oldest first (an array: a push is the cheapest thing the hot path can do). */
  private entries: OutboxEntry[] = [];
  /** How many of `entries`, from the end, have not reached the file yet. */
  private unwritten = 0;
  private flushScheduled = false;
  private readonly file: string;
  private readonly lockFile: string;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly dir: string,
    readonly instanceId: string,
    private readonly options: OutboxOptions,
  ) {
    this.file = path.join(dir, `outbox-${instanceId}.jsonl`);
    this.lockFile = path.join(dir, `outbox-${instanceId}.lock`);
    this.heartbeat = setInterval(() => this.writeLock(), options.heartbeatMs ?? 10_000);
    this.heartbeat.unref();
  }

  /** Opens this window's outbox and adopts the files of windows that are gone. */
  static open(dir: string, instanceId: string, options: OutboxOptions = {}): Outbox {
    mkdirSync(dir, { recursive: true });
    const outbox = new Outbox(dir, instanceId, options);
    outbox.writeLock();
    outbox.adoptOrphans();
    return outbox;
  }

  /** Every report not yet confirmed, oldest first. */
  pending(): readonly OutboxEntry[] {
    return this.entries;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Hot path: queues the entry; it reaches the file at the end of this turn of the event loop. */
  add(entry: OutboxEntry): void {
    this.entries.push(entry);
    this.unwritten++;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes the queued entries now (one append). */
  flush(): void {
    this.flushScheduled = false;
    if (this.unwritten === 0 || this.closed) return;
    const batch = this.entries.slice(this.entries.length - this.unwritten);
    this.unwritten = 0;
    appendFileSync(this.file, batch.map((entry) => JSON.stringify(entry) + '\n').join(''));
    this.options.onDurable?.(batch.map((entry) => entry.id));
  }

  /** The server recorded these reports: forget them, and compact the file. */
  confirm(ids: Iterable<string>): void {
    const gone = new Set(ids);
    const kept = this.entries.filter((entry) => !gone.has(entry.id));
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    this.rewrite();
  }

  /** Reports waiting for a lease that is gone move to another one (their ids stay: still exactly once). */
  moveToLease(ids: Iterable<string>, leaseId: string): void {
    const moving = new Set(ids);
    this.entries = this.entries.map((entry) => (moving.has(entry.id) ? { ...entry, leaseId } : entry));
    this.rewrite();
  }

  /** Writes what is pending, releases the lock; an empty outbox leaves no file behind. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.heartbeat);
    if (this.entries.length === 0) rmSync(this.file, { force: true });
    rmSync(this.lockFile, { force: true });
  }

  /** The whole pending set, written to a temporary file and renamed over ours (atomic). */
  private rewrite(): void {
    if (this.closed) return;
    this.unwritten = 0;
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, this.entries.map((entry) => JSON.stringify(entry) + '\n').join(''));
    renameSync(temporary, this.file);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private writeLock(): void {
    if (this.closed) return;
    writeFileSync(this.lockFile, JSON.stringify({ pid: process.pid, at: this.now() }));
  }

  private adoptOrphans(): void {
    const mine: string[] = [];
    for (const name of readdirSync(this.dir)) {
      const owner = FILE.exec(name)?.[1];
      if (owner === undefined) continue;
      if (owner === this.instanceId) {
        mine.push(path.join(this.dir, name));
        continue;
      }
      if (this.ownerAlive(owner)) continue;
      const claimed = path.join(this.dir, `outbox-${this.instanceId}.adopted-${owner}-${mine.length}.jsonl`);
      try {
        renameSync(path.join(this.dir, name), claimed);
      } catch {
        continue; // another window adopted it first
      }
      mine.push(claimed);
      if (!existsSync(path.join(this.dir, `outbox-${owner}.jsonl`)))
        rmSync(path.join(this.dir, `outbox-${owner}.lock`), { force: true });
    }
    // By id: a crash mid-adoption can leave one report in two files.
    const byId = new Map<string, OutboxEntry>();
    for (const file of mine) {
      for (const entry of readEntries(file)) byId.set(entry.id, entry);
    }
    this.entries = [...byId.values()];
    // Our own file first (holding everything), then the adopted ones are gone: a crash in between
    // leaves duplicates in files we own, which the next adopter merges by id.
    this.rewrite();
    for (const file of mine) if (file !== this.file) rmSync(file, { force: true });
  }

  private ownerAlive(owner: string): boolean {
    let lock: { pid?: unknown; at?: unknown };
    try {
      lock = JSON.parse(readFileSync(path.join(this.dir, `outbox-${owner}.lock`), 'utf8')) as typeof lock;
    } catch {
      return false;
    }
    if (typeof lock.pid !== 'number' || typeof lock.at !== 'number') return false;
    if (this.now() - lock.at > (this.options.staleMs ?? 60_000)) return false;
    try {
      process.kill(lock.pid, 0);
      return true;
    } catch (error) {
      // EPERM: the process exists but belongs to someone else.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

/** The entries of one file; a line torn by a crash mid-write is skipped (it was never durable). */
function readEntries(file: string): OutboxEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries: OutboxEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as OutboxEntry;
      if (typeof entry.id === 'string' && Number.isInteger(entry.credits) && typeof entry.leaseId === 'string')
        entries.push(entry);
    } catch {
      // torn line
    }
  }
  return entries;
}
