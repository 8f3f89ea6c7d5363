// The admin's overage caps (product.md, "Organizations"): one per organization, group or user, set
// or removed through the organization's versioned change with an audit entry before → after.
import type { OrgCaps } from '../../protocol/org';
import type { OrganizationSnapshot, OverageCapTarget } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { changeOrganization, OrganizationError } from './change';

/** How the audit log names a cap's target. */
export function capTargetName(target: OverageCapTarget): string {
  return target.kind === 'organization' ? 'organization' : `${target.kind}:${target.id}`;
}

const sameTarget = (a: OverageCapTarget, b: OverageCapTarget) =>
  a.kind === b.kind && (a.kind === 'organization' || (b.kind !== 'organization' && a.id === b.id));

/** The cap on `target` as the snapshot has it; null: none. */
export function capOf(snapshot: OrganizationSnapshot, target: OverageCapTarget): number | null {
  return snapshot.overageCaps.find((cap) => sameTarget(cap.target, target))?.capCents ?? null;
}

/**
 * Sets the cap on `target` (null removes it). A group or user outside the organization is refused
 * naming `target.id`, and nothing changes; setting the cap it already has writes nothing.
 */
export async function setOverageCap(
  context: ServerContext,
  organizationId: string,
  actorId: string,
  target: OverageCapTarget,
  capCents: number | null,
): Promise<void> {
  await changeOrganization(context, organizationId, (snapshot) => {
    if (target.kind === 'group' && !snapshot.groups.some((g) => g.id === target.id)) {
      throw new OrganizationError(404, 'no_group', 'There is no such group in this organization.', 'target.id');
    }
    if (target.kind === 'user' && !snapshot.members.some((m) => m.accountId === target.id)) {
      throw new OrganizationError(400, 'not_a_member', `${target.id} is not a member of this organization.`, 'target.id');
    }
    const before = capOf(snapshot, target);
    if (before === capCents) return { audit: [] };
    return {
      overageCaps: [{ target, capCents }],
      audit: [{ actorId, action: 'overage-cap.set', target: capTargetName(target), before, after: capCents }],
    };
  });
}

/** The organization's caps as the API shows them, groups by name and users by email. */
export async function organizationCaps(context: ServerContext, organizationId: string): Promise<OrgCaps> {
  const snapshot = await context.store.loadOrganizationSnapshot(organizationId);
  if (!snapshot) throw new OrganizationError(404, 'no_organization', 'There is no such organization.');
  const userCaps = new Map(
    snapshot.overageCaps.flatMap((cap) => (cap.target.kind === 'user' ? [[cap.target.id, cap.capCents] as const] : [])),
  );
  const found =
    userCaps.size === 0
      ? { users: [] }
      : await context.store.listOrganizationUsers(organizationId, {
          search: '',
          offset: 0,
          limit: userCaps.size,
          accountIds: [...userCaps.keys()],
        });
  return {
    organization: capOf(snapshot, { kind: 'organization' }),
    groups: snapshot.groups.flatMap((group) => {
      const capCents = capOf(snapshot, { kind: 'group', id: group.id });
      return capCents === null ? [] : [{ id: group.id, name: group.name, capCents }];
    }),
    users: found.users.map((user) => ({ id: user.accountId, email: user.email, capCents: userCaps.get(user.accountId) ?? 0 })),
  };
}
