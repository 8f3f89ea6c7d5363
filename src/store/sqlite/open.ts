// Opens the SQLite file with the settings every connection needs: WAL so readers never block the
// writer, foreign keys enforced (SQLite leaves them off by default), and a busy timeout so a second
// process waits for the write lock instead of failing at once.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const DATABASE_FILE = 'tally.sqlite';

export function openDatabase(dataDir: string): Database.Database {
  // The directory holds account data: readable by its owner only.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // In WAL mode NORMAL is durable across application crashes and much faster than FULL.
  db.pragma('synchronous = NORMAL');
  return db;
}
