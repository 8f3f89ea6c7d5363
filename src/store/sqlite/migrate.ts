// Applies pending migrations in order, each in its own transaction together with its row in
// `schema_migrations`, so a migration is applied exactly once or not at all.
import type Database from 'better-sqlite3';
import type { Migration } from '../migrations/migration';

export interface MigrationReport {
  applied: number[];
  current: number;
}

export function migrate(db: Database.Database, migrations: readonly Migration[], now: () => string): MigrationReport {
  checkSequence(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
  )`);

  const appliedVersions = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
  );
  const newest = Math.max(0, ...appliedVersions);
  const known = migrations.length;
  if (newest > known) {
    throw new Error(
      `The database has schema version ${newest}, newer than this Tally server knows (${known}): upgrade the server.`,
    );
  }

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of migrations) {
    if (appliedVersions.has(migration.version)) continue;
    // IMMEDIATE takes the write lock up front, so two processes starting together do not both
    // decide that a migration is pending and then race to apply it.
    db.transaction(() => {
      const already = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (already) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now());
      applied.push(migration.version);
    }).immediate();
  }
  return { applied, current: Math.max(newest, ...applied) };
}

function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `Migration "${migration.name}" has version ${migration.version}; expected ${index + 1} (versions run 1, 2, 3, … without gaps).`,
      );
    }
  });
}
