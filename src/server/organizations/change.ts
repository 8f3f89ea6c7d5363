// How every organization write runs: read a snapshot, let the rules compute the change, write it
// while the organization is still at the version read (a conflicting admin retries from a fresh read).
import type { Seat } from '../../engine/organization';
import type { OrganizationChange, OrganizationSnapshot } from '../../store/store';
import { organizationClock, type ServerContext } from '../platform/server-context';

/** A refusal an admin can act on; the routes turn it into a 4xx naming `field`. */
export class OrganizationError extends Error {
  override name = 'OrganizationError';
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const ATTEMPTS = 5;

export type ChangeDraft = Omit<OrganizationChange, 'organizationId' | 'expectedVersion' | 'now'>;

/**
 * Runs `compute` on a fresh snapshot and applies its change at that snapshot's version; on a
 * conflict (another admin's change landed between the read and the write) it reads and computes again.
 */
export async function changeOrganization(
  context: ServerContext,
  organizationId: string,
  compute: (snapshot: OrganizationSnapshot, now: Date) => ChangeDraft,
): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const snapshot = await context.store.loadOrganizationSnapshot(organizationId);
    if (!snapshot) throw new OrganizationError(404, 'no_organization', 'There is no such organization.');
    // The organization's test clock when it runs on one (moving it bumps the version: a retry sees it).
    const now = organizationClock(context, snapshot.organization);
    const draft = compute(snapshot, now);
    const result = await context.store.applyOrganizationChange({
      ...draft,
      organizationId,
      expectedVersion: snapshot.organization.version,
      now: now.toISOString(),
    });
    if (result === 'applied') return;
    if (result === 'member-elsewhere')
      throw new OrganizationError(409, 'member_elsewhere', 'This account already belongs to an organization.', 'email');
    if (result === 'group-name-taken')
      throw new OrganizationError(409, 'group_name_taken', 'A group with this name already exists.', 'name');
  }
  throw new OrganizationError(409, 'busy', 'The organization changed several times while this change was made: try again.');
}

/** What the audit log keeps of a seat: enough to read before → after. */
export function seatSummary(seat: Seat | null | undefined): unknown {
  if (!seat) return null;
  return {
    status: seat.status,
    planId: seat.plans.at(-1)!.planId,
    scheduledChange: seat.scheduledChange && {
      planId: seat.scheduledChange.planId,
      effectiveAt: seat.scheduledChange.effectiveAt.toISOString(),
    },
  };
}
