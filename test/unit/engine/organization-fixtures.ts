// What the organization engine tests share: the two time zones their months are cut in, and a seat
// that is already in use.
import { activateSeat, subscribeSeat, type Seat } from '../../../src/engine/organization';
import { defaultCatalog as catalog } from './catalogs';

export const UTC = 'UTC';
export const NEW_YORK = 'America/New_York';
export const t = (iso: string) => new Date(iso);

/** A seat subscribed on `at` whose member signed in at the same moment. */
export function seatSignedInAt(userId: string, planId: string, at: string): Seat {
  return activateSeat(subscribeSeat(catalog, userId, planId, t(at)), t(at));
}
