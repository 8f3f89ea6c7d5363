// Card number, expiry and CVC rules that every processor and card form shares. Pure functions (the
// clock is a parameter): the card data they see is never stored or logged; only `brand` and
// `last4` leave the server's payment layer.

/** Digits only: people type card numbers with spaces or dashes. */
export function normalizeCardNumber(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

/** The Luhn checksum (ISO/IEC 7812) over 12–19 digits. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'card';

export function cardBrand(digits: string): CardBrand {
  if (/^4/.test(digits)) return 'visa';
  if (/^(5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/.test(digits)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  return 'card';
}

export function lastFour(digits: string): string {
  return digits.slice(-4);
}

export interface Expiry {
  month: number;
  /** Four digits. */
  year: number;
}

/** "MM/YY" (also "M/YY", "MM/YYYY", spaces around the slash); null when it is not a month and year. */
export function parseExpiry(raw: string): Expiry | null {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(raw);
  if (!match) return null;
  const month = Number(match[1]);
  const year = (match[2] as string).length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12) return null;
  return { month, year };
}

/** A card is good through the last day of its expiry month (UTC). */
export function isExpired(expiry: Expiry, at: Date): boolean {
  const currentYear = at.getUTCFullYear();
  const currentMonth = at.getUTCMonth() + 1;
  return expiry.year < currentYear || (expiry.year === currentYear && expiry.month < currentMonth);
}

export function isValidCvc(raw: string): boolean {
  return /^\d{3,4}$/.test(raw.trim());
}
