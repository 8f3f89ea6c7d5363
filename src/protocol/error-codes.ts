// The one way a request is refused: a DomainError with one of the enumerated codes below. The codes
// are the strings the API answers in `error.code` (the extension and the CLI read them), so a code
// is never renamed; the server maps each to its HTTP status (server/platform/error-statuses.ts).

export const ERROR_CODES = [
  // The request itself: its shape, its address, its origin, its size, its pace.
  'invalid_request',
  'invalid_callback_url',
  'wrong_host',
  'cross_origin_request',
  'payload_too_large',
  'rate_limited',
  'not_found',
  'idempotency_key_reused',
  // Who is asking: sign-in, tokens, admin rights.
  'unauthorized',
  'token_expired',
  'invalid_grant',
  'refresh_token_rotated',
  'not_an_admin',
  // Plans: checkout and plan changes.
  'no_subscription',
  'unknown_plan',
  'not_self_serve',
  'already_on_plan',
  'not_an_upgrade',
  'use_billing_portal',
  'managed_by_organization',
  'no_change',
  'not_active',
  'no_scheduled_change',
  'amount_changed',
  'subscription_changed',
  // Payments and cards.
  'payment_method_required',
  'card_declined',
  'no_payment_method',
  'nothing_outstanding',
  'invalid_expiry',
  'expired',
  'last_card',
  // Credit leases and overage.
  'credits_exhausted',
  'overage_cap_reached',
  'subscription_inactive',
  'overage_unavailable',
  'lease_not_found',
  // Not answered by this server today, but the extension treats it as a closed lease: kept so that it parses.
  'lease_not_active',
  'usage_exceeds_lease',
  'usage_after_expiry',
  'late_usage_uncovered',
  // Organizations.
  'no_organization',
  'no_group',
  'no_invoice',
  'no_api_token',
  'not_a_member',
  'unknown_account',
  'invalid_time_zone',
  'member_elsewhere',
  'group_name_taken',
  'already_in_group',
  'busy',
  'not_a_seat_plan',
  'no_seat',
  'canceled',
  'already_canceled',
  'nothing_scheduled',
] as const;

/** A reason the server refuses a request (a 4xx): what the client did or asked, never a server fault. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every code an API error carries: the refusals, and the server's own failure (a 500, its cause not told). */
export const API_ERROR_CODES = [...ERROR_CODES, 'server_error'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** A refusal the person can act on: thrown anywhere below a route, answered by the server's error handler. */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The request field at fault, when one is. */
    readonly field?: string,
  ) {
    super(message);
  }
}
