// How a saved card is named on every page and in every email: brand and last four digits only.
import type { PaymentMethodRecord } from '../../store/store';

const BRAND_NAMES: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
};

export function cardLabel(method: Pick<PaymentMethodRecord, 'brand' | 'last4'>): string {
  return `${BRAND_NAMES[method.brand] ?? 'Card'} •••• ${method.last4}`;
}
