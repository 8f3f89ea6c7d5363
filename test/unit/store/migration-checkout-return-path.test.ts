// The migration that takes the checkout tokens out of the 3-D Secure return paths
// (0018-checkout-return-path): a checkout's stored return path becomes the fixed one, and the
// portal's (a path with no secret in it) stays as it was.
import { strict as assert } from 'node:assert';
import type Database from 'better-sqlite3';
import { migrations } from '../../../src/store/migrations';
import { checkoutReturnPath } from '../../../src/store/migrations/0018-checkout-return-path';
import { migrate } from '../../../src/store/sqlite/migrate';
import { useScratchDatabase } from '../../support/scratch-database';

const NOW = '2026-11-12T09:00:00.000Z';
const LATER = '2026-11-12T10:00:00.000Z';
const TOKEN = 'k3Yw5Zr0sT8uV1xA2bC3dE4fG5hI6jK7lM8nO9pQ0rS';

describe('store: migration checkout-return-path', () => {
  const scratch = useScratchDatabase();
  let db: Database.Database;
  beforeEach(() => (db = scratch.db()));

  it("rewrites a checkout's return path to the fixed one, dropping the token, and keeps the portal's", () => {
    migrate(
      db,
      migrations.filter((m) => m.version < checkoutReturnPath.version),
      () => NOW,
    );
    db.prepare(
      "INSERT INTO accounts (id, email, password_hash, identity_kind, created_at) VALUES ('acct_1', 'a@example.com', 'x', 'builder-id', ?)",
    ).run(NOW);
    const insert = db.prepare(
      `INSERT INTO payment_authentications (id, account_id, purpose, reference, amount_cents, brand, last4, exp_month, exp_year, sandbox_behaviour, return_path, status, created_at, expires_at)
       VALUES (?, 'acct_1', ?, 'ref', 1267, 'visa', '3155', 12, 2049, 'succeeds', ?, 'pending', ?, ?)`,
    );
    insert.run('pa_checkout', 'checkout', `/checkout/${TOKEN}/authenticated`, NOW, LATER);
    insert.run('pa_card', 'payment-method', '/billing/payment-methods/authenticated?request=r1', NOW, LATER);

    assert.deepEqual(
      migrate(db, migrations, () => NOW).applied,
      migrations.filter((m) => m.version >= checkoutReturnPath.version).map((m) => m.version),
    );

    assert.deepEqual(db.prepare('SELECT id, return_path FROM payment_authentications ORDER BY id').all(), [
      { id: 'pa_card', return_path: '/billing/payment-methods/authenticated?request=r1' },
      { id: 'pa_checkout', return_path: '/checkout/authenticated' },
    ]);
  });
});
