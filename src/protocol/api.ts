// The HTTP API contract between the Tally server and its clients (the extension, tests, the CLI).
// One definition, validated on both sides of the wire. Money is integer cents (USD) and credits are
// integer hundredths of a credit, so no floating point ever crosses the boundary.
import { z } from 'zod';
import { API_ERROR_CODES } from './error-codes';
import { Instant } from './instant';

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
  /** An organization-managed account's organization and whom to ask about the plan; null otherwise. */
  organization: z.object({ name: z.string(), adminEmail: z.string().nullable() }).nullable().optional(),
});
export type Account = z.infer<typeof Account>;

export const OverageSettings = z.object({
  /** The plan has an overage price (paid plans); Free never goes past its allowance. */
  available: z.boolean(),
  /** The switch: off by default; only a paid plan can turn it on. */
  enabled: z.boolean(),
  /** Price of one credit beyond the allowance (cents); null when the plan has none. */
  centsPerCredit: cents.nullable(),
  /** The most overage may cost in a period (cents); null for no cap. */
  capCents: cents.nullable(),
});
export type OverageSettings = z.infer<typeof OverageSettings>;

/** PUT /api/overage: the account's switch and optional cap (paid plans only). */
export const OverageSettingsRequest = z.object({
  enabled: z.boolean(),
  capCents: z.number().int().min(0).max(100_000_000).nullable().default(null),
});
export type OverageSettingsRequest = z.infer<typeof OverageSettingsRequest>;

export const ScheduledChange = z.object({
  planId: z.string(),
  planName: z.string(),
  /** When the change applies: the end of the current period. */
  effectiveAt: z.string(),
});
export type ScheduledChange = z.infer<typeof ScheduledChange>;

export const AccountState = z.object({
  account: Account,
  plan: z.object({ id: z.string(), name: z.string() }),
  subscription: z.object({
    status: SubscriptionStatus,
    /** True once the account has paid for a plan: the editor then offers Manage Plan, not Upgrade Plan. */
    hasPaidPlan: z.boolean(),
    currentPeriodStart: z.string(),
    currentPeriodEnd: z.string(),
    // Optional so that clients built before these fields existed still parse the answer.
    /** The IANA zone of the account's billing calendar (an organization member's is the organization's): its dates are read there. */
    timeZone: z.string().optional(),
    /** A downgrade or cancellation waiting for the period end; null when none is pending. */
    scheduledChange: ScheduledChange.nullable().optional(),
    /** When the next renewal bills something; null when it bills nothing (Free, past due). */
    nextBillingDate: z.string().nullable().optional(),
    /** What that renewal bills as things stand (the plan in advance plus the overage so far); null with no billing date. */
    nextAmountCents: cents.nullable().optional(),
    /** Past due: what is owed (cents), the open invoices the portal's *Pay outstanding balance* pays; 0 otherwise. */
    outstandingCents: cents.optional(),
    /** Past due: when the failed payment is retried next; null when no retry is scheduled. */
    nextPaymentRetryAt: z.string().nullable().optional(),
  }),
  credits: z.object({
    /** This period's allowance (hundredths): the plan's monthly credits, topped up by upgrades. */
    limit: hundredths,
    /** limit − remaining, never negative. */
    used: hundredths,
    /** What is left in this period's allowance grants (bonus credits are counted apart). */
    remaining: hundredths,
    /** Welcome and promotional credits still live, and the soonest expiry among them; null when none. */
    bonus: z.object({ remaining: hundredths, expiresAt: z.string().nullable() }).nullable().optional(),
    /** Overage used in this period (hundredths) and its cost so far (cents). */
    overageUsed: hundredths.optional(),
    overageCents: cents.optional(),
    /**
     * Credits held by editors' leases and not yet reported as used (hundredths): already debited
     * on the server, still spendable in the editors that hold them. Counted in `remaining`/`bonus`.
     */
    leased: hundredths.optional(),
  }),
  /** Overage for this account: whether the plan offers it, the switch, its price and the cap. */
  overage: OverageSettings.optional(),
});
export type AccountState = z.infer<typeof AccountState>;

/** The first grant of a sign-in: the one-time code from the browser and the PKCE verifier. */
export const AuthorizationCodeGrant = z.object({
  grantType: z.literal('authorization_code'),
  code: z.string().min(1),
  codeVerifier: z.string().min(43).max(128),
  redirectUri: z.string().min(1),
});
export type AuthorizationCodeGrant = z.infer<typeof AuthorizationCodeGrant>;

/** Every later grant: a refresh token, spent by the exchange (the answer carries the next one). */
export const RefreshTokenGrant = z.object({
  grantType: z.literal('refresh_token'),
  refreshToken: z.string().min(1).max(256),
});
export type RefreshTokenGrant = z.infer<typeof RefreshTokenGrant>;

export const TokenRequest = z.discriminatedUnion('grantType', [AuthorizationCodeGrant, RefreshTokenGrant]);
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds the access token works for, from the server's clock at issue (OAuth's expires_in). */
  expiresIn: z.number().int(),
  /** When the access token stops working (the server's clock): refresh before then. */
  expiresAt: z.string(),
  /** Trades for the next pair, once: each refresh spends it and answers with a new one. */
  refreshToken: z.string(),
  /** When this refresh token stops working: 30 days unused, never past 90 days from the sign-in. */
  refreshTokenExpiresAt: z.string(),
  account: Account,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/**
 * POST /api/token/revoke (RFC 7009): ends the sign-in a token belongs to — its access token, its
 * refresh token and every token rotated from them. Either token of the pair (even a spent one) names it.
 */
export const TokenRevocationRequest = z.object({ token: z.string().min(1).max(256) }).strict();
export type TokenRevocationRequest = z.infer<typeof TokenRevocationRequest>;

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

export const CreatePortalSessionRequest = z.object({
  callbackUrl: z.string().min(1).optional(),
  /** The editor's one-time state for the portal's "Return to the editor" link. */
  state: z
    .string()
    .min(16)
    .max(128)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
});
export type CreatePortalSessionRequest = z.infer<typeof CreatePortalSessionRequest>;

export const PortalSession = z.object({ url: z.string() });
export type PortalSession = z.infer<typeof PortalSession>;

export const InvoiceLineKind = z.enum([
  'subscription',
  'proration-credit',
  'proration-charge',
  'overage',
  'applied-balance',
  'tax',
]);
export type InvoiceLineKind = z.infer<typeof InvoiceLineKind>;

export const InvoiceLine = z.object({ kind: InvoiceLineKind, description: z.string(), amountCents: cents });
export type InvoiceLine = z.infer<typeof InvoiceLine>;

export const PlanChangeKind = z.enum(['upgrade', 'downgrade', 'cancel', 'undo']);
export type PlanChangeKind = z.infer<typeof PlanChangeKind>;

export const PlanChangePreviewRequest = z.object({ planId: z.string().min(1) }).strict();
export type PlanChangePreviewRequest = z.infer<typeof PlanChangePreviewRequest>;

/** What a change to `toPlanId` does, exactly as confirming it now will charge. */
export const PlanChangePreview = z.object({
  kind: PlanChangeKind,
  fromPlanId: z.string(),
  toPlanId: z.string(),
  /** True when the change applies at once; otherwise at `effectiveAt`, the period end. */
  immediate: z.boolean(),
  effectiveAt: z.string(),
  /** The lines of the invoice the change issues now; empty when nothing is billed now. */
  lines: z.array(InvoiceLine),
  /** What confirming charges now (negative: credited to the account's balance for the next invoice). */
  totalCents: cents,
  /** Credits (hundredths) added to this period's allowance at once; negative when an immediate downgrade lowers it. */
  allowanceDelta: hundredths,
});
export type PlanChangePreview = z.infer<typeof PlanChangePreview>;

export const PlanChangeRequest = z
  .object({
    planId: z.string().min(1),
    /** The total the user confirmed (from the preview): a different total now is refused, nothing charged. */
    expectedTotalCents: cents,
  })
  .strict();
export type PlanChangeRequest = z.infer<typeof PlanChangeRequest>;

export const InvoiceKind = z.enum(['checkout', 'plan-change', 'renewal']);
export type InvoiceKind = z.infer<typeof InvoiceKind>;

export const InvoiceStatus = z.enum(['paid', 'open', 'void']);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

export const InvoiceSummary = z.object({ number: z.string(), kind: InvoiceKind, totalCents: cents, status: InvoiceStatus });
export type InvoiceSummary = z.infer<typeof InvoiceSummary>;

/** The answer to a confirmed plan change or an undone scheduled change. */
export const PlanChangeResult = z.object({ account: AccountState, invoice: InvoiceSummary.nullable() });
export type PlanChangeResult = z.infer<typeof PlanChangeResult>;

/**
 * Test clocks: move the signed-in account's clock forward, either `{ to }` (an ISO-8601 instant) or
 * `{ days?, months? }` (months first, then days, on the account's wall calendar); never both forms.
 */
export const TestClockAdvanceRequest = z
  .object({
    to: Instant.optional(),
    days: z.number().int().min(1).max(730).optional(),
    months: z.number().int().min(1).max(24).optional(),
  })
  .strict();
export type TestClockAdvanceRequest = z.infer<typeof TestClockAdvanceRequest>;

export const TestClockAdvanceResult = z.object({
  /** The account's clock after the advance. */
  now: z.string(),
  account: AccountState,
  /** The invoices the renewals issued on the way, oldest first. */
  invoices: z.array(InvoiceSummary),
});
export type TestClockAdvanceResult = z.infer<typeof TestClockAdvanceResult>;

export const ApiError = z.object({
  error: z.object({
    code: z.enum(API_ERROR_CODES),
    message: z.string(),
    /** The request field at fault, when one is. */
    field: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

/**
 * An error as a client reads it: a newer server may answer a code this build does not know, and
 * its message must still reach the person, so the code is any string here (the server sends only
 * `ApiError`'s codes).
 */
export const ReceivedApiError = z.object({ error: ApiError.shape.error.extend({ code: z.string() }) });

/** A 409 for a plan change whose total moved since the preview: the new preview comes with it. */
export const AmountChangedError = ApiError.extend({ preview: PlanChangePreview });
export type AmountChangedError = z.infer<typeof AmountChangedError>;

/** POST /api/billing/outstanding-payment: a past-due account pays what it owes; the invoices it paid. */
export const OutstandingPaymentResult = z.object({ account: AccountState, invoices: z.array(InvoiceSummary) });
export type OutstandingPaymentResult = z.infer<typeof OutstandingPaymentResult>;
