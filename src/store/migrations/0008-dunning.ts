// Failed payments (dunning) and saved-card management.
// - subscriptions: when the payment that made the subscription past due failed, and how many
//   automatic retries have failed since; the retry schedule is computed from them and the catalog.
//   A subscription already past due counts from its period start (renewals fail at the boundary).
// - payment_methods: a removed card is kept (payments name it) but marked removed, and is never
//   listed, charged or made the default again.
import type { Migration } from './migration';

export const dunning: Migration = {
  version: 8,
  name: 'dunning',
  sql: `
ALTER TABLE subscriptions ADD COLUMN past_due_since TEXT;
ALTER TABLE subscriptions ADD COLUMN payment_retries INTEGER NOT NULL DEFAULT 0 CHECK (payment_retries >= 0);
UPDATE subscriptions SET past_due_since = period_start WHERE status = 'past_due';
ALTER TABLE payment_methods ADD COLUMN removed_at TEXT;
CREATE TRIGGER payment_methods_removed_is_not_default BEFORE UPDATE OF is_default ON payment_methods
  WHEN NEW.is_default = 1 AND NEW.removed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a removed card cannot be the default'); END;
`,
};
