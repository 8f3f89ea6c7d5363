// TEMPORARY, for the sandbox3ds branch alone: versions 5–7 belong to slices merged separately, and
// migrate() requires versions 1, 2, 3, … without gaps, so this branch cannot apply its version 8
// without something at 5–7. These empty stand-ins let the branch run its tests; the lead deletes
// this file (and its line in index.ts) when the real 0005–0007 are merged.
import type { Migration } from './migration';

export const placeholders: readonly Migration[] = [5, 6, 7].map((version) => ({ version, name: `placeholder-${version}`, sql: '' }));
