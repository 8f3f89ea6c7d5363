// Charging the account's default saved card, for plan changes and renewals. The outcome is a
// payment to record, whichever way it went; the caller decides what a decline changes.
import type { NewPayment, PaymentMethodRecord } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { randomId } from '../platform/secrets';

export type SavedCardCharge =
  | { kind: 'no-card' }
  | { kind: 'paid'; payment: NewPayment; method: PaymentMethodRecord; chargeId: string }
  | { kind: 'declined'; payment: NewPayment; method: PaymentMethodRecord; message: string };

export async function chargeDefaultCard(
  context: ServerContext,
  input: { accountId: string; amountCents: number; idempotencyKey: string; at: Date },
): Promise<SavedCardCharge> {
  const method = await context.store.findDefaultPaymentMethod(input.accountId);
  if (!method) return { kind: 'no-card' };
  const result = await context.processor.chargeSaved({
    amountCents: input.amountCents,
    paymentMethod: method,
    idempotencyKey: input.idempotencyKey,
    at: input.at,
  });
  const payment: NewPayment = {
    id: randomId('py'),
    amountCents: input.amountCents,
    status: result.ok ? 'succeeded' : 'failed',
    cardBrand: result.brand,
    cardLast4: result.last4,
    paymentMethodId: method.id,
    failureMessage: result.ok ? null : result.message,
  };
  return result.ok
    ? { kind: 'paid', payment, method, chargeId: result.chargeId }
    : { kind: 'declined', payment, method, message: result.message };
}
