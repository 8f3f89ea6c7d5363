// When the current period's in-arrears (usage-based) charges were calculated: a few days before
// the billing date, as an open invoice charged on it. NULL until then, and again in each new period.
import type { Migration } from './migration';

export const arrearsCalculation: Migration = {
  version: 4,
  name: 'arrears-calculation',
  sql: `
ALTER TABLE subscriptions ADD COLUMN arrears_calculated_at TEXT;
`,
};
