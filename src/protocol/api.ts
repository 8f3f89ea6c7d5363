// The HTTP API contract between the Tally server and its clients (the extension, tests, the CLI).
// One definition, validated on both sides of the wire. Money is integer cents (USD) and credits are
// integer hundredths of a credit, so no floating point ever crosses the boundary.
import { z } from 'zod';

export const OAUTH_CLIENT_ID = 'tally-vscode';

export const IdentityKind = z.enum(['builder-id', 'social', 'organization']);
export type IdentityKind = z.infer<typeof IdentityKind>;

export const SubscriptionStatus = z.enum(['pending', 'active', 'past_due', 'canceled']);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

const cents = z.number().int();
const hundredths = z.number().int();

export const Plan = z.object({
  id: z.string(),
  name: z.string(),
  /** Monthly price in cents; null for plans priced by sales (Enterprise). */
  priceCents: cents.nullable(),
  /** Monthly credit allowance in hundredths of a credit; null when negotiated. */
  monthlyCredits: hundredths.nullable(),
  /** Overage price per whole credit in cents; null when overage is not offered. */
  overageCentsPerCredit: cents.nullable(),
  selfServe: z.boolean(),
  /** Order of plans from lowest to highest; an upgrade moves to a higher rank. */
  rank: z.number().int(),
});
export type Plan = z.infer<typeof Plan>;

export const CatalogResponse = z.object({ plans: z.array(Plan) });
export type CatalogResponse = z.infer<typeof CatalogResponse>;

export const Account = z.object({
  id: z.string(),
  email: z.string(),
  identityKind: IdentityKind,
});
export type Account = z.infer<typeof Account>;

export const AccountState = z.object({
  account: Account,
  plan: z.object({ id: z.string(), name: z.string() }),
  subscription: z.object({
    status: SubscriptionStatus,
    /** True once the account has paid for a plan: the editor then offers Manage Plan, not Upgrade Plan. */
    hasPaidPlan: z.boolean(),
    currentPeriodStart: z.string(),
    currentPeriodEnd: z.string(),
  }),
  credits: z.object({ limit: hundredths, used: hundredths, remaining: hundredths }),
});
export type AccountState = z.infer<typeof AccountState>;

export const TokenRequest = z.object({
  grantType: z.literal('authorization_code'),
  code: z.string().min(1),
  codeVerifier: z.string().min(43).max(128),
  redirectUri: z.string().min(1),
});
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  account: Account,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/**
 * A sign-in request pushed by the editor before it opens the browser (in the manner of OAuth's
 * pushed authorization requests): the server checks it and answers with the page to open, on the
 * server's public address — which may differ from the address the editor uses for the API.
 */
export const CreateAuthorizationRequest = z.object({
  clientId: z.literal(OAUTH_CLIENT_ID),
  redirectUri: z.string().min(1),
  state: z.string().min(16).max(256),
  codeChallenge: z.string().min(43).max(128),
  codeChallengeMethod: z.literal('S256'),
});
export type CreateAuthorizationRequest = z.infer<typeof CreateAuthorizationRequest>;

export const AuthorizationRequest = z.object({ url: z.string() });
export type AuthorizationRequest = z.infer<typeof AuthorizationRequest>;

export const CreateCheckoutSessionRequest = z.object({
  planId: z.string().min(1),
  /** One-time value the editor checks when the browser hands the user back. */
  state: z.string().min(16).max(256),
  /** Where *Get started* returns to: the editor's URI, as `asExternalUri` gave it. */
  callbackUrl: z.string().min(1),
});
export type CreateCheckoutSessionRequest = z.infer<typeof CreateCheckoutSessionRequest>;

export const CheckoutSession = z.object({ id: z.string(), url: z.string() });
export type CheckoutSession = z.infer<typeof CheckoutSession>;

export const CreatePortalSessionRequest = z.object({ callbackUrl: z.string().min(1).optional() });
export type CreatePortalSessionRequest = z.infer<typeof CreatePortalSessionRequest>;

export const PortalSession = z.object({ url: z.string() });
export type PortalSession = z.infer<typeof PortalSession>;

export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** The request field at fault, when one is. */
    field: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

