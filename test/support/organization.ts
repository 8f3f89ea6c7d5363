// An organization for a test: an admin signed in from the editor and members who signed up first,
// built through the admin API like a real admin would (the organization itself through the server
// function, the one step without an API of its own in these tests).
import { strict as assert } from 'node:assert';
import { OrgGroup, OrgUser } from '../../src/protocol/org';
import { createOrganization } from '../../src/server/organizations/members';
import { apiRequest, signUpAndGetToken, type TestServer } from './server';

export const TEST_PASSWORD = 'a good password';
let seq = 0;

/** A unique address per call, so tests on one server never collide. */
export function uniqueEmail(who: string): string {
  return `${who}-${process.pid}-${++seq}@example.com`;
}

export interface TestOrganization {
  id: string;
  /** The admin's editor access token (a bearer for /api/org). */
  admin: string;
  adminEmail: string;
  members: { id: string; email: string }[];
}

/** Calls the API and asserts the status; the JSON answer. */
export async function expectApi(
  server: TestServer,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  status = 200,
): Promise<unknown> {
  const response = await apiRequest(server.baseUrl, method, path, { token, body });
  assert.equal(response.status, status, `${method} ${path}: ${JSON.stringify(response.json)}`);
  return response.json;
}

export async function createTestOrganization(
  server: TestServer,
  memberCount: number,
  options: { name?: string; timeZone?: string } = {},
): Promise<TestOrganization> {
  const adminEmail = uniqueEmail('admin');
  const admin = (await signUpAndGetToken(server.baseUrl, adminEmail, TEST_PASSWORD)).accessToken;
  const id = await createOrganization(server.context, {
    name: options.name ?? 'Acme',
    adminEmail,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
  const members: { id: string; email: string }[] = [];
  for (let i = 0; i < memberCount; i++) {
    const memberEmail = uniqueEmail('member');
    await signUpAndGetToken(server.baseUrl, memberEmail, TEST_PASSWORD);
    const user = OrgUser.parse(await expectApi(server, admin, 'POST', '/api/org/members', { email: memberEmail }, 201));
    members.push({ id: user.id, email: memberEmail });
  }
  return { id, admin, adminEmail, members };
}

/** A group with these members (already in the organization). */
export async function createTestGroup(
  server: TestServer,
  admin: string,
  name: string,
  memberEmails: readonly string[],
): Promise<string> {
  const created = OrgGroup.parse(await expectApi(server, admin, 'POST', '/api/org/groups', { name }, 201));
  for (const email of memberEmails) await expectApi(server, admin, 'POST', `/api/org/groups/${created.id}/members`, { email });
  return created.id;
}
