// Names to ids: the CLI takes emails and group names, the API takes ids. Read through the list
// endpoints, every page, so that a resolved id is always one the server showed.
import { OrgGroups, OrgUsersPage, type OrgGroup, type OrgUser } from '../protocol/org';
import type { AdminClient } from './client';
import { CliError, EXIT } from './exit-codes';
import { startProgress } from './progress';

/** Every member matching `search` (all when empty), following every page. */
export async function listAllUsers(client: AdminClient, search = ''): Promise<OrgUser[]> {
  const path = (page: number) => `/api/org/users?${new URLSearchParams({ search, page: String(page) })}`;
  const first = await client.get(OrgUsersPage, path(1));
  const pages = Math.max(1, Math.ceil(first.total / Math.max(1, first.pageSize)));
  const progress = startProgress('Reading users', pages);
  progress.advance(1);
  const byId = new Map(first.users.map((u) => [u.id, u]));
  try {
    for (let page = 2; page <= pages; page++) {
      // A member added while paging shifts the pages by one: the map keeps each member once.
      for (const user of (await client.get(OrgUsersPage, path(page))).users) byId.set(user.id, user);
      progress.advance(1);
    }
  } finally {
    progress.stop();
  }
  return [...byId.values()];
}

/** The members with these emails (any case), in the order given; an unknown email refuses the whole command. */
export async function usersByEmail(client: AdminClient, emails: readonly string[]): Promise<OrgUser[]> {
  const all = new Map((await listAllUsers(client)).map((u) => [u.email.toLowerCase(), u]));
  const unknown = emails.filter((e) => !all.has(e.toLowerCase()));
  if (unknown.length > 0) {
    throw new CliError(
      EXIT.refused,
      `No member of the organization has the email ${unknown.join(', ')}: nothing was changed.`,
      'user',
    );
  }
  return [...new Map(emails.map((e) => all.get(e.toLowerCase()) as OrgUser).map((u) => [u.id, u])).values()];
}

export async function groupByName(client: AdminClient, name: string): Promise<OrgGroup> {
  const { groups } = await client.get(OrgGroups, '/api/org/groups');
  const group = groups.find((g) => g.name === name) ?? groups.find((g) => g.name.toLowerCase() === name.toLowerCase());
  if (!group)
    throw new CliError(
      EXIT.refused,
      `There is no group named "${name}" (groups: ${groups.map((g) => g.name).join(', ') || 'none'}).`,
      'group',
    );
  return group;
}

/** Ids in requests of at most `size`: the API takes up to 1000 per call, and smaller batches show progress. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
