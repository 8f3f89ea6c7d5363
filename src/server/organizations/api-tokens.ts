// Admin API tokens: long-lived bearers for /api/org that act as the admin who created them, for
// scripts and the `tally` command line. The secret (`tally_org_…`) is returned once at creation;
// only its SHA-256 is stored. Creating and revoking are audited like every admin action.
import type { OrgApiToken } from '../../protocol/org';
import type { AccountRecord, OrganizationApiTokenRecord } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { randomToken, sha256Hex } from '../platform/secrets';
import { OrganizationError } from './change';

/** Every admin API token starts with this, so that a leaked one is recognisable (and scannable). */
export const API_TOKEN_PREFIX = 'tally_org_';

export function isApiTokenText(bearer: string): boolean {
  return bearer.startsWith(API_TOKEN_PREFIX);
}

export function toOrgApiToken(token: OrganizationApiTokenRecord): OrgApiToken {
  return {
    id: token.id,
    name: token.name,
    createdBy: token.createdByEmail,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
  };
}

/** A new token for the organization; the answer carries the secret, which nothing keeps. */
export async function createApiToken(
  context: ServerContext,
  organizationId: string,
  actorId: string,
  name: string,
): Promise<{ token: OrganizationApiTokenRecord; secret: string }> {
  const secret = `${API_TOKEN_PREFIX}${randomToken(32)}`;
  const id = `oat_${randomToken(12)}`;
  const now = context.clock().toISOString();
  await context.store.createOrganizationApiToken(
    { id, organizationId, createdBy: actorId, name, tokenHash: sha256Hex(secret), createdAt: now },
    { actorId, action: 'api-token.create', target: `api-token:${id}`, before: null, after: { name } },
  );
  const token = (await context.store.listOrganizationApiTokens(organizationId)).find((t) => t.id === id);
  if (!token) throw new Error(`the API token ${id} was not found right after it was created`);
  return { token, secret };
}

/** Revokes one of this organization's live tokens: another organization's, or an unknown one, is a 404. */
export async function revokeApiToken(context: ServerContext, organizationId: string, actorId: string, id: string): Promise<void> {
  const token = (await context.store.listOrganizationApiTokens(organizationId)).find((t) => t.id === id);
  const revoked =
    token !== undefined &&
    (await context.store.revokeOrganizationApiToken(organizationId, id, context.clock().toISOString(), {
      actorId,
      action: 'api-token.revoke',
      target: `api-token:${id}`,
      before: { name: token.name },
      after: null,
    }));
  if (!revoked)
    throw new OrganizationError(
      404,
      'no_api_token',
      'There is no such API token in this organization (or it was already revoked).',
      'id',
    );
}

export type ApiTokenCheck =
  | { ok: true; account: AccountRecord; token: OrganizationApiTokenRecord }
  | { ok: false; status: 401 | 403; code: string; message: string };

/**
 * The admin a bearer API token acts as: unknown or revoked → 401; a creator who is no longer an
 * admin of the token's organization → 403 (the token does not outlive its creator's rights).
 */
export async function checkApiToken(context: ServerContext, bearer: string): Promise<ApiTokenCheck> {
  const token = await context.store.findOrganizationApiTokenByHash(sha256Hex(bearer));
  if (!token || token.revokedAt !== null) {
    return {
      ok: false,
      status: 401,
      code: 'unauthorized',
      message: "The API token is not valid (unknown or revoked): create one in the organization console's API tokens tab.",
    };
  }
  const membership = await context.store.findOrganizationMembership(token.createdBy);
  const account = await context.store.findAccountById(token.createdBy);
  if (!account || membership?.role !== 'admin' || membership.organizationId !== token.organizationId) {
    return {
      ok: false,
      status: 403,
      code: 'not_an_admin',
      message: 'The admin who created this API token is no longer an admin of its organization: ask an admin for a new token.',
    };
  }
  await context.store.markOrganizationApiTokenUsed(token.id, context.clock().toISOString());
  return { ok: true, account, token };
}
