// One table from each refusal's code to its HTTP status (in the manner of Lago's api_errors): a
// route throws a DomainError, the error handler (app.ts) answers with the status found here.
import { DomainError, type ApiErrorCode, type ErrorCode } from '../../protocol/error-codes';

export type RefusalStatus = 400 | 401 | 402 | 403 | 404 | 409 | 413 | 415 | 421 | 422 | 429;

/** A Record, so a code without a status does not compile. */
export const ERROR_STATUSES: Readonly<Record<ErrorCode, RefusalStatus>> = {
  invalid_request: 400,
  invalid_callback_url: 400,
  wrong_host: 421,
  cross_origin_request: 403,
  payload_too_large: 413,
  rate_limited: 429,
  not_found: 404,
  idempotency_key_reused: 422,

  unauthorized: 401,
  token_expired: 401,
  invalid_grant: 400,
  refresh_token_rotated: 400,
  not_an_admin: 403,

  no_subscription: 404,
  unknown_plan: 400,
  not_self_serve: 400,
  already_on_plan: 409,
  not_an_upgrade: 409,
  use_billing_portal: 409,
  managed_by_organization: 403,
  no_change: 409,
  not_active: 409,
  no_scheduled_change: 409,
  amount_changed: 409,
  subscription_changed: 409,

  payment_method_required: 402,
  card_declined: 402,
  no_payment_method: 409,
  nothing_outstanding: 409,
  invalid_expiry: 400,
  expired: 400,
  last_card: 409,

  credits_exhausted: 402,
  overage_cap_reached: 402,
  subscription_inactive: 402,
  overage_unavailable: 409,
  lease_not_found: 404,
  lease_not_active: 409,
  usage_exceeds_lease: 409,
  usage_after_expiry: 409,
  late_usage_uncovered: 409,

  no_organization: 404,
  no_group: 404,
  no_invoice: 404,
  no_api_token: 404,
  not_a_member: 400,
  unknown_account: 400,
  invalid_time_zone: 400,
  member_elsewhere: 409,
  group_name_taken: 409,
  already_in_group: 409,
  busy: 409,
  not_a_seat_plan: 400,
  no_seat: 400,
  canceled: 400,
  already_canceled: 409,
  nothing_scheduled: 400,
};

/** The status an API error with `code` is answered with. */
export function errorStatus(code: ApiErrorCode): RefusalStatus | 500 {
  return code === 'server_error' ? 500 : ERROR_STATUSES[code];
}

/** A domain error as a page route shows it in its form: its code, message, field and status. */
export interface Refusal {
  code: ErrorCode;
  message: string;
  field?: string;
  status: RefusalStatus;
}

/**
 * For a page route that shows a refusal in its own form: the thrown DomainError with its status.
 * Anything else is thrown on, to the error handler.
 */
export function domainErrorOf(error: unknown): Refusal {
  if (!(error instanceof DomainError)) throw error;
  return {
    code: error.code,
    message: error.message,
    ...(error.field === undefined ? {} : { field: error.field }),
    status: ERROR_STATUSES[error.code],
  };
}
