// TEMPORARY, for this branch alone: version 11 (the organization overage caps) is merged separately,
// and migrate() requires versions 1, 2, 3, … without gaps, so this branch cannot apply its version
// 12 without something at 11. This empty stand-in lets the branch run its tests; delete this file
// (and its line in index.ts) when the real 0011 is merged.
import type { Migration } from './migration';

export const placeholder11: Migration = { version: 11, name: 'placeholder-11', sql: '' };
