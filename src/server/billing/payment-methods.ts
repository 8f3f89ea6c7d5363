// Saved cards, as the billing portal manages them: add (a card the processor made reusable), edit
// the expiry, set the default, remove. Every operation names the signed-in account, and the store
// finds a card only by its id *and* that account, so one account can never see or touch another's
// card (it is "not found"). Refusals are DomainErrors with a code and the field at fault. Nothing
// here knows HTTP; a card's number and CVC never reach this module.
import { DomainError } from '../../protocol/error-codes';
import { needsPaymentMethod } from '../../engine/payment-method-policy';
import type { AccountRecord, PaymentMethodRecord } from '../../store/store';
import { clockFor, type ServerContext } from '../platform/server-context';
import { isExpired } from '../../engine/card';
import type { ReusableCard } from '../platform/payment-processor';
import { randomId } from '../platform/secrets';

const NOT_FOUND = () => new DomainError('not_found', 'There is no such card on your account.', 'paymentMethodId');

/** Saves a card; it becomes the default when `makeDefault`, or when it is the account's first card. */
export async function addCard(
  context: ServerContext,
  account: AccountRecord,
  card: ReusableCard,
  options: { makeDefault: boolean },
): Promise<PaymentMethodRecord> {
  const now = clockFor(context, account);
  checkExpiry({ expMonth: card.expMonth, expYear: card.expYear }, now);
  return context.store.addPaymentMethod({
    id: randomId('pm'),
    accountId: account.id,
    brand: card.brand,
    last4: card.last4,
    expMonth: card.expMonth,
    expYear: card.expYear,
    sandboxBehaviour: card.sandboxBehaviour,
    makeDefault: options.makeDefault,
    createdAt: now.toISOString(),
  });
}

/** A new expiry for a saved card (the bank sent a new one with the same number): a real month, not in the past. */
export async function updateCardExpiry(
  context: ServerContext,
  account: AccountRecord,
  id: string,
  expiry: { expMonth: number; expYear: number },
): Promise<PaymentMethodRecord> {
  checkExpiry(expiry, clockFor(context, account));
  const updated = await context.store.updatePaymentMethodExpiry(account.id, id, expiry);
  if (!updated) throw NOT_FOUND();
  return updated;
}

/** Makes the card the account's default (the one renewals, plan changes and retries charge); the previous default stops being one. */
export async function setDefaultCard(context: ServerContext, account: AccountRecord, id: string): Promise<PaymentMethodRecord> {
  const card = await context.store.setDefaultPaymentMethod(account.id, id);
  if (!card) throw NOT_FOUND();
  return card;
}

/**
 * Removes a card. The last card is refused while the subscription needs one (a plan other than Free,
 * active or past due: see needsPaymentMethod). Removing the default makes the newest remaining card
 * the default, which is returned.
 */
export async function removeCard(
  context: ServerContext,
  account: AccountRecord,
  id: string,
): Promise<{ promoted: PaymentMethodRecord | null }> {
  const subscription = await context.store.findSubscription(account.id);
  if (!subscription) throw new DomainError('no_subscription', 'This account has no subscription.');
  const result = await context.store.removePaymentMethod({
    accountId: account.id,
    id,
    now: clockFor(context, account).toISOString(),
    keepOne: needsPaymentMethod(context.catalog, subscription.state),
    expectedVersion: subscription.version,
  });
  switch (result.kind) {
    case 'removed':
      return { promoted: result.promoted };
    case 'not-found':
      throw NOT_FOUND();
    case 'last-card':
      throw new DomainError(
        'last_card',
        'This is your only card and your subscription is charged to it: add another card first, or cancel the subscription.',
        'paymentMethodId',
      );
    case 'conflict':
      throw new DomainError(
        'subscription_changed',
        'Your subscription changed meanwhile: reload and try again.',
        'paymentMethodId',
      );
  }
}

function checkExpiry(expiry: { expMonth: number; expYear: number }, now: Date): void {
  const { expMonth, expYear } = expiry;
  if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12) {
    throw new DomainError('invalid_expiry', 'The expiry month must be a whole number from 1 to 12.', 'expMonth');
  }
  if (!Number.isInteger(expYear) || expYear < 2000 || expYear > 9999) {
    throw new DomainError('invalid_expiry', 'The expiry year must have four digits, like 2030.', 'expYear');
  }
  if (isExpired({ month: expMonth, year: expYear }, now)) {
    throw new DomainError('expired', `The expiry ${String(expMonth).padStart(2, '0')}/${expYear} is in the past.`, 'expYear');
  }
}
