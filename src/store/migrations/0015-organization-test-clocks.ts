// An organization's own test clock (POST /api/org/test-clock/advance, only with TALLY_TEST_CLOCKS):
// when set, every organization action (seats, scheduling, invoices, the usage month) takes it as
// "now", frozen between advances like an account's accounts.test_clock_at.
import type { Migration } from './migration';

export const organizationTestClocks: Migration = {
  version: 15,
  name: 'organization-test-clocks',
  sql: `
ALTER TABLE organizations ADD COLUMN test_clock_at TEXT;
`,
};
