// A bare SQLite file for tests of one migration: each test gets a new file in a temporary
// directory, to bring up to the version before the migration, fill, and migrate; it is closed and
// removed after the test.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function useScratchDatabase(): { db(): Database.Database } {
  let dataDir: string | undefined;
  let db: Database.Database | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-store-'));
    db = new Database(join(dataDir, 'test.sqlite'));
  });
  afterEach(() => {
    db?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    db() {
      if (!db) throw new Error('useScratchDatabase(): the database exists only inside a test');
      return db;
    },
  };
}
