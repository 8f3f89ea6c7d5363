import { strict as assert } from 'node:assert';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from '../../../src/store/migrations';
import { migrate } from '../../../src/store/sqlite/migrate';
import { DATABASE_FILE } from '../../../src/store/sqlite/open';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';

const clock = () => new Date('2026-11-12T09:00:00Z');

describe('store: migrations and connection settings', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-store-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('applies every migration once on a new database, and re-opening applies nothing', async () => {
    const first = SqliteStore.open({ dataDir, clock });
    assert.deepEqual(
      first.migrations.applied,
      migrations.map((m) => m.version),
    );
    await first.close();

    const second = SqliteStore.open({ dataDir, clock });
    assert.deepEqual(second.migrations.applied, []);
    assert.equal(second.migrations.current, migrations.length);
    await second.close();

    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    db.close();
    assert.deepEqual(
      rows,
      migrations.map((m) => ({ version: m.version, name: m.name })),
    );
  });

  it('creates the data directory readable by its owner only: other users of the machine cannot open the database', async () => {
    const nested = join(dataDir, 'new', 'data');
    const store = SqliteStore.open({ dataDir: nested, clock });
    await store.close();
    assert.equal(statSync(nested).mode & 0o777, 0o700);
  });

  it('uses WAL, enforces foreign keys and waits for locks', async () => {
    const store = SqliteStore.open({ dataDir, clock });
    try {
      assert.equal(store.pragma('journal_mode'), 'wal');
      assert.equal(store.pragma('foreign_keys'), 1);
      assert.equal(store.pragma('busy_timeout'), 5000);
      await assert.rejects(
        store.createAuthCode({
          codeHash: 'x',
          accountId: 'no-such-account',
          codeChallenge: 'c',
          redirectUri: 'r',
          createdAt: 'a',
          expiresAt: 'b',
        }),
        /FOREIGN KEY/,
      );
    } finally {
      await store.close();
    }
  });

  it('refuses a database written by a newer server', async () => {
    const store = SqliteStore.open({ dataDir, clock });
    await store.close();
    const db = new Database(join(dataDir, DATABASE_FILE));
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')").run();
    db.close();
    assert.throws(() => SqliteStore.open({ dataDir, clock }), /schema version 99, newer than this Tally server knows/);
  });

  it('rolls a failing migration back whole, leaving the earlier ones applied', () => {
    const db = new Database(':memory:');
    const broken = [
      ...migrations,
      {
        version: migrations.length + 1,
        name: 'broken',
        sql: 'CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);',
      },
    ];
    assert.throws(() => migrate(db, broken, () => 'now'), /no such table/);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'half_done'").all();
    assert.deepEqual(tables, []);
    const versions = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    assert.deepEqual(
      versions.map((row) => row.version),
      migrations.map((m) => m.version),
    );
    db.close();
  });

  it('refuses migrations numbered out of order', () => {
    const db = new Database(':memory:');
    assert.throws(() => migrate(db, [{ version: 2, name: 'skips-one', sql: '' }], () => 'now'), /expected 1/);
    db.close();
  });
});
