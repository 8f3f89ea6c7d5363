// A member as the console lists them: the API's OrgUser (one reading of seats for both) put into
// words in the organization's zone.
import type { Catalog } from '../../../engine/catalog';
import type { OrgUser } from '../../../protocol/org';
import type { ConsoleUserRow } from './users-page';
import { formatDate } from '../../../protocol/format';
import { seatPlanName } from './console-format';

export function userRow(user: OrgUser, catalog: Catalog, timeZone: string): ConsoleUserRow {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    planName: seatPlanName(catalog, user.planId),
    status: user.status,
    scheduled:
      user.scheduledChange &&
      `${seatPlanName(catalog, user.scheduledChange.planId)} from ${formatDate(user.scheduledChange.effectiveAt, timeZone)}`,
    // Pending members have never used a credit: the column stays empty for them.
    lastActive: user.lastActiveAt === null ? '—' : formatDate(user.lastActiveAt, timeZone),
  };
}
