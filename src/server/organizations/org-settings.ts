// The organization itself as the admin API shows it (OrgSettings): its name, zone, overage switch and
// test clock, looked up by id (no_organization when it has gone).
import type { OrgSettings } from '../../protocol/org';
import type { OrganizationRecord } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { DomainError } from '../../protocol/error-codes';

export async function organizationById(context: ServerContext, organizationId: string): Promise<OrganizationRecord> {
  const organization = await context.store.findOrganization(organizationId);
  if (!organization) throw new DomainError('no_organization', 'There is no such organization.');
  return organization;
}

export function toOrgSettings(organization: OrganizationRecord): OrgSettings {
  return {
    id: organization.id,
    name: organization.name,
    timeZone: organization.timeZone,
    overageEnabled: organization.overageEnabled,
    testClockAt: organization.testClockAt,
  };
}
