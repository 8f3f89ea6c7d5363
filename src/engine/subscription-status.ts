// The subscription's life as a state machine. Every change of status is an explicit event, and an
// event that makes no sense in the current status is refused rather than silently ignored.
import type { SubscriptionStatus } from '../protocol/api';

export type { SubscriptionStatus };

export type SubscriptionEvent =
  /** The user's first sign-in from the editor (organization seats), or a successful first payment. */
  | 'activate'
  /** A renewal charge failed: paid features stop until it is paid. */
  | 'payment-failed'
  /** An outstanding charge was paid (by a retry or by the user). */
  | 'payment-recovered'
  /** An admin deactivated the seat, or every retry failed. */
  | 'cancel'
  /** A canceled subscription is bought again. */
  | 'reactivate';

const TRANSITIONS: Record<SubscriptionStatus, Partial<Record<SubscriptionEvent, SubscriptionStatus>>> = {
  pending: { activate: 'active', cancel: 'canceled' },
  active: { 'payment-failed': 'past_due', cancel: 'canceled' },
  past_due: { 'payment-recovered': 'active', 'payment-failed': 'past_due', cancel: 'canceled' },
  canceled: { reactivate: 'active' },
};

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly from: SubscriptionStatus,
    readonly event: SubscriptionEvent,
  ) {
    super(`A ${from.replace('_', ' ')} subscription cannot take the event "${event}".`);
  }
}

/** The status after `event`, or IllegalTransitionError. */
export function transition(from: SubscriptionStatus, event: SubscriptionEvent): SubscriptionStatus {
  const to = TRANSITIONS[from][event];
  if (!to) throw new IllegalTransitionError(from, event);
  return to;
}

/** Whether the subscription's paid features are on: only an active one; past due falls back to Free limits. */
export function hasPaidAccess(status: SubscriptionStatus): boolean {
  return status === 'active';
}
