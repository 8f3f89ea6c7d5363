// A stand-in for migration 11 (organization overage caps), which lands with the caps themselves:
// versions run 1, 2, 3, … without gaps, and 13 (API tokens) needs 11 and 12 before it. Replaced by
// the real migration when the overage caps are merged.
import type { Migration } from './migration';

export const organizationOverageCaps: Migration = { version: 11, name: 'organization-overage-caps', sql: 'SELECT 1;' };
