// How the console writes plans and counts. Its dates go through the shared formatDate and
// formatDateTime (src/protocol/format.ts), read in the organization's zone.
import { planName, type Catalog } from '../../../engine/catalog';

/** The plan's name, blank for no plan (a member never subscribed). */
export function seatPlanName(catalog: Catalog, planId: string | null): string {
  return planId === null ? '' : planName(catalog, planId);
}

/** "1 user", "2 users". */
export function userCount(count: number): string {
  return `${count} ${count === 1 ? 'user' : 'users'}`;
}

/** "51–100 of 120"; "0 of 0" for an empty list. */
export function pageRange(page: number, pageSize: number, total: number): string {
  if (total === 0) return '0 of 0';
  const first = (page - 1) * pageSize + 1;
  return `${Math.min(first, total)}–${Math.min(page * pageSize, total)} of ${total}`;
}
