// Organization overage caps (product.md, "Organizations"): the admin may cap the overage of the
// whole organization, of each group (its members together) and of each user, per calendar month of
// the organization's zone. The ledger enforces one cap per account, so the caps that apply to a
// member are reduced here to that one number. Pure: the spend of every member is a parameter.

/** The caps an organization set, in cents per organization month; absent: no cap. */
export interface OrganizationCaps {
  organization: number | null;
  /** By group id. */
  groups: ReadonlyMap<string, number>;
  /** By user (account) id. */
  users: ReadonlyMap<string, number>;
}

export interface MemberCapInput {
  memberId: string;
  caps: OrganizationCaps;
  /** Every group of the organization with its members (groups without a cap are ignored). */
  groups: readonly { id: string; memberIds: readonly string[] }[];
  /** What each member's overage cost so far this organization month, in cents; a member absent spent nothing. */
  spentCents: ReadonlyMap<string, number>;
}

/**
 * The most the member's own overage may cost this organization month (cents), given what everyone
 * spent so far: their own spend plus the smallest headroom left under any cap that applies to them —
 * their user cap, each capped group they are in (its cap minus what its other members spent), the
 * organization's cap (minus what all other members spent). A cap already passed by others leaves no
 * headroom (never a negative one). null: no cap applies to the member.
 */
export function memberOverageCap(input: MemberCapInput): number | null {
  const { memberId, caps, spentCents } = input;
  const spent = (id: string) => Math.max(0, spentCents.get(id) ?? 0);
  const own = spent(memberId);
  const headrooms: number[] = [];
  const userCap = caps.users.get(memberId);
  if (userCap !== undefined) headrooms.push(userCap - own);
  for (const group of input.groups) {
    const cap = caps.groups.get(group.id);
    if (cap === undefined || !group.memberIds.includes(memberId)) continue;
    const others = [...new Set(group.memberIds)].filter((id) => id !== memberId).reduce((sum, id) => sum + spent(id), 0);
    headrooms.push(cap - others - own);
  }
  if (caps.organization !== null) {
    let others = 0;
    for (const [id] of spentCents) if (id !== memberId) others += spent(id);
    headrooms.push(caps.organization - others - own);
  }
  if (headrooms.length === 0) return null;
  return own + Math.max(0, Math.min(...headrooms));
}
