// Whose overage rules apply to an account. A member of an organization follows the organization:
// its one switch, and its caps reduced to one cap for the member (engine/overage-caps.ts), counted
// over the organization's calendar month. Anyone else keeps their own switch and cap, counted over
// their own billing period.
//
// A shared cap (a group's, the organization's) is computed from the other members' ledgers, which
// the member's own conditional write does not cover: two members could each see the same headroom.
// So the read starts from the organization's overage sequence, and a spend that adds overage under
// a shared cap is written only while that sequence is unchanged (and bumps it): whoever lost the
// race reads every ledger again, as for a race on their own ledger.
import type { Period } from '../../engine/calendar';
import { divideRounded } from '../../engine/money';
import { organizationMonth } from '../../engine/organization';
import { memberOverageCap, type OrganizationCaps } from '../../engine/overage-caps';
import type { OverageSwitch } from '../../store/store';
import type { ServerContext } from '../platform/server-context';

export interface AccountOverage {
  /** The switch and the one cap (cents) the ledger enforces for this account. */
  settings: OverageSwitch;
  /** Set for a member: the organization's month, which its caps count over (the policy's period start). */
  organizationMonth: Period | null;
  /** Set when a shared cap applies: new overage is written only while the sequence is unchanged. */
  sharedCapGuard: { organizationId: string; expectedSequence: number } | null;
}

interface EffectiveCap {
  capCents: number | null;
  sharedCapGuard: AccountOverage['sharedCapGuard'];
}

export async function accountOverage(context: ServerContext, accountId: string, now: Date): Promise<AccountOverage> {
  const membership = await context.store.findOrganizationMembership(accountId);
  if (!membership)
    return { settings: await context.store.findOverageSettings(accountId), organizationMonth: null, sharedCapGuard: null };
  const organization = await context.store.findOrganization(membership.organizationId);
  if (!organization) throw new Error(`organization ${membership.organizationId} of ${accountId} is missing`);
  const month = organizationMonth(organization.timeZone, now);
  if (!organization.overageEnabled)
    return { settings: { enabled: false, capCents: null }, organizationMonth: month, sharedCapGuard: null };
  const { capCents, sharedCapGuard } = await effectiveCap(context, membership.organizationId, accountId, month);
  return { settings: { enabled: true, capCents }, organizationMonth: month, sharedCapGuard };
}

/** The member's cap this month (null when no cap applies to them), reading only the ledgers the caps need. */
async function effectiveCap(
  context: ServerContext,
  organizationId: string,
  accountId: string,
  month: Period,
): Promise<EffectiveCap> {
  const none: EffectiveCap = { capCents: null, sharedCapGuard: null };
  // Read before any ledger: a spend by another member after this read moves it.
  const sequence = await context.store.findOrganizationOverageSequence(organizationId);
  const records = await context.store.listOrganizationOverageCaps(organizationId);
  if (records.length === 0) return none;
  const groupCaps = new Map<string, number>();
  const userCaps = new Map<string, number>();
  let organizationCap: number | null = null;
  for (const { target, capCents } of records) {
    if (target.kind === 'organization') organizationCap = capCents;
    else (target.kind === 'group' ? groupCaps : userCaps).set(target.id, capCents);
  }
  const caps: OrganizationCaps = { organization: organizationCap, groups: groupCaps, users: userCaps };
  const needsOthers = caps.organization !== null || caps.groups.size > 0;
  const snapshot = needsOthers ? await context.store.loadOrganizationSnapshot(organizationId) : undefined;
  const groups = (snapshot?.groups ?? []).filter((g) => caps.groups.has(g.id) && g.memberIds.includes(accountId));
  if (caps.organization === null && groups.length === 0 && !caps.users.has(accountId)) return none;
  const whose =
    caps.organization !== null
      ? (snapshot?.members ?? []).map((m) => m.accountId)
      : [accountId, ...groups.flatMap((g) => g.memberIds)];
  // The whole month: each member's ledger may run on its own (test) clock, and a spend dated a
  // moment ahead of this one's clock still counts. Summed in the store, rounded once per member as
  // the ledger rounds it (engine usedBetween), for only the members the caps cover.
  const members = [...new Set([accountId, ...whose])];
  const sums = await context.store.sumOrganizationOverage(
    organizationId,
    month.start.toISOString(),
    month.end.toISOString(),
    caps.organization === null ? members : undefined,
  );
  const spentCents = new Map(members.map((id) => [id, divideRounded(sums.get(id) ?? 0, 100)]));
  const shared = caps.organization !== null || groups.length > 0;
  return {
    capCents: memberOverageCap({ memberId: accountId, caps, groups, spentCents }),
    sharedCapGuard: shared ? { organizationId, expectedSequence: sequence } : null,
  };
}
