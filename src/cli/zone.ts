// The organization's zone: the CLI prints its dates there, as the console does, so that a lower
// tier due at local midnight on Dec 1 reads 2026-12-01 whatever the zone of the machine or of UTC.
import { OrgSettings } from '../protocol/org';
import type { AdminClient } from './client';

export async function organizationTimeZone(client: AdminClient): Promise<string> {
  return (await client.get(OrgSettings, '/api/org/settings')).timeZone;
}
