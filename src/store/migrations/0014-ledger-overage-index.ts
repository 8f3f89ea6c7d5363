// An organization's overage caps need every member's overage this month on each lease a member
// takes (Store.sumOrganizationOverage). This partial index holds only overage rows, by account and
// time, with the columns the sum needs (a covering index): the sum reads the month's overage and
// nothing else of the ledgers.
import type { Migration } from './migration';

export const ledgerOverageIndex: Migration = {
  version: 14,
  name: 'ledger-overage-index',
  sql: `
CREATE INDEX ledger_entries_overage ON ledger_entries(account_id, at, kind, amount, cents_per_credit) WHERE kind IN ('overage', 'overage-credit');
`,
};
