// The one reader of an amount typed in dollars (the portal's and the console's cap forms, the CLI's
// `caps set`): "25", "99.5", "$1,000.05" → integer cents. Strict: an optional "$", whole dollars
// either plain or grouped by thousands with commas in the right places, at most two decimals, at
// most seven digits of dollars (so cents stay exact); no sign, no exponent. What an empty field
// or "none" means is the caller's.

/** The largest number of whole-dollar digits accepted: up to $9,999,999.99. */
const MAX_DOLLAR_DIGITS = 7;

const SHAPE = /^\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/** Cents for `text` (spaces around it ignored), or undefined when it is not an amount in dollars. */
export function parseDollarAmount(text: string): number | undefined {
  const match = SHAPE.exec(text.trim());
  if (!match) return undefined;
  const whole = (match[1] as string).replace(/,/g, '');
  if (whole.length > MAX_DOLLAR_DIGITS) return undefined;
  return Number(whole) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/** A cap field: empty (or only spaces) is null, no cap; otherwise its cents, or undefined when it is not dollars. */
export function parseCapDollars(text: string): number | null | undefined {
  return text.trim() === '' ? null : parseDollarAmount(text);
}
