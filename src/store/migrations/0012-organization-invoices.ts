// A stand-in for migration 12 (organization invoices), which lands with the invoices themselves:
// versions run 1, 2, 3, … without gaps, and 13 (API tokens) needs 11 and 12 before it. Replaced by
// the real migration when the organization invoices are merged.
import type { Migration } from './migration';

export const organizationInvoices: Migration = { version: 12, name: 'organization-invoices', sql: 'SELECT 1;' };
