// The account's overage switch and cap, as the API (PUT /api/overage) and the portal set them:
// only a self-managed account on a plan with an overage price may turn overage on.
import { findPlan } from '../../engine/catalog';
import type { AccountRecord, OverageSwitch } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { MANAGED_BY_ORGANIZATION } from '../checkout/upgrade-rules';
import type { AccountBilling } from './account-billing';

export type OverageUpdate = { ok: true } | { ok: false; status: 403 | 409; code: string; message: string; field: 'enabled' };

export async function updateOverage(
  context: ServerContext,
  account: AccountRecord,
  billing: AccountBilling,
  settings: OverageSwitch,
): Promise<OverageUpdate> {
  if (account.identityKind === 'organization') {
    return {
      ok: false,
      status: MANAGED_BY_ORGANIZATION.status,
      code: MANAGED_BY_ORGANIZATION.code,
      message: "Overage is managed by your organization's admin.",
      field: 'enabled',
    };
  }
  const plan = findPlan(context.catalog, billing.subscription.state.planId);
  if (!plan || plan.overageCentsPerCredit === null) {
    return {
      ok: false,
      status: 409,
      code: 'overage_unavailable',
      message: `The ${plan?.name ?? 'current'} plan has no overage: upgrade to a paid plan to use credits past its allowance.`,
      field: 'enabled',
    };
  }
  await context.store.saveOverageSettings(account.id, settings, billing.now.toISOString());
  return { ok: true };
}
