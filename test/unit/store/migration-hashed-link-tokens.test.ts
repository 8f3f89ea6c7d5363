// The migration that moved link secrets to hashes (0016-hashed-link-tokens): links made before it
// stop working (their raw id cannot be hashed in SQL, and keeping it usable would keep it stored),
// and the stored idempotent answers of the checkout API lose their URL.
import { strict as assert } from 'node:assert';
import type Database from 'better-sqlite3';
import { migrations } from '../../../src/store/migrations';
import { hashedLinkTokens } from '../../../src/store/migrations/0016-hashed-link-tokens';
import { migrate } from '../../../src/store/sqlite/migrate';
import { useScratchDatabase } from '../../support/scratch-database';

const NOW = '2026-11-12T09:00:00.000Z';

describe('store: migration hashed-link-tokens', () => {
  const scratch = useScratchDatabase();
  let db: Database.Database;
  beforeEach(() => (db = scratch.db()));

  it('closes the links made before it and strips the checkout URLs from idempotent answers', () => {
    const before = migrations.filter((m) => m.version < hashedLinkTokens.version);
    migrate(db, before, () => NOW);
    db.prepare(
      "INSERT INTO accounts (id, email, password_hash, identity_kind, created_at) VALUES ('acct_1', 'a@example.com', 'x', 'builder-id', ?)",
    ).run(NOW);
    db.prepare(
      "INSERT INTO portal_sessions (id, account_id, created_at, expires_at) VALUES ('ps_old', 'acct_1', ?, '2026-11-12T10:00:00.000Z')",
    ).run(NOW);
    db.prepare(
      "INSERT INTO checkout_sessions (id, account_id, plan_id, state, callback_url, status, created_at) VALUES ('cs_old', 'acct_1', 'pro', 's', 'c', 'open', ?)",
    ).run(NOW);
    const insertKey = db.prepare(
      "INSERT INTO idempotency_keys (account_id, key, endpoint, request_hash, response_json, created_at) VALUES ('acct_1', ?, ?, 'h', ?, ?)",
    );
    insertKey.run('k1', 'POST /api/checkout-sessions', '{"id":"cs_old","url":"http://127.0.0.1:1/checkout/cs_old"}', NOW);
    insertKey.run('k2', 'POST /api/subscription/changes', '{"url":"kept"}', NOW);
    db.prepare(
      "INSERT INTO authorization_requests (id, client_id, redirect_uri, state, code_challenge, created_at, expires_at) VALUES ('urn:tally:signin:old', 'c', 'r', 's', 'x', ?, ?)",
    ).run(NOW, NOW);

    assert.deepEqual(
      migrate(db, migrations, () => NOW).applied,
      migrations.filter((m) => m.version >= hashedLinkTokens.version).map((m) => m.version),
    );

    assert.deepEqual(db.prepare('SELECT id, token_hash FROM portal_sessions').all(), [{ id: 'ps_old', token_hash: null }]);
    assert.deepEqual(db.prepare('SELECT id, token_hash FROM checkout_sessions').all(), [{ id: 'cs_old', token_hash: null }]);
    assert.deepEqual(db.prepare('SELECT key, response_json FROM idempotency_keys ORDER BY key').all(), [
      { key: 'k1', response_json: '{"id":"cs_old"}' },
      { key: 'k2', response_json: '{"url":"kept"}' },
    ]);
    assert.deepEqual(db.prepare('SELECT COUNT(*) AS n FROM authorization_requests').get(), { n: 0 });
    // New tokens are unique; rows without one (NULL) may be many.
    db.prepare(
      "INSERT INTO portal_sessions (id, account_id, created_at, expires_at, token_hash) VALUES ('ps_new', 'acct_1', ?, ?, 'h1')",
    ).run(NOW, NOW);
    assert.throws(
      () =>
        db
          .prepare(
            "INSERT INTO portal_sessions (id, account_id, created_at, expires_at, token_hash) VALUES ('ps_dup', 'acct_1', ?, ?, 'h1')",
          )
          .run(NOW, NOW),
      /UNIQUE/,
    );
  });
});
