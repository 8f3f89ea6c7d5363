// Money is integer cents and credits are integer hundredths of a credit. Every division that can
// leave a remainder goes through `divideRounded`, the one place where Tally rounds.
//
// Rounding rule: half-up (away from zero at exactly .5), the rule customers expect on an invoice
// and the one Stripe documents for proration amounts.

export function assertInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole number of minor units, got ${value}`);
}

/** numerator / denominator rounded half-up, for integers; exact for any safe-integer operands. */
export function divideRounded(numerator: number, denominator: number): number {
  assertInteger(numerator, 'numerator');
  assertInteger(denominator, 'denominator');
  if (denominator === 0) throw new RangeError('division by zero');
  const n = BigInt(numerator) * (denominator < 0 ? -1n : 1n);
  const d = BigInt(Math.abs(denominator));
  const sign = n < 0n ? -1n : 1n;
  const abs = n * sign;
  const quotient = abs / d;
  const remainder = abs % d;
  const rounded = remainder * 2n >= d ? quotient + 1n : quotient;
  return Number(rounded * sign);
}

/** amount × part / whole, rounded once at the end: the shape of every proration. */
export function prorate(amount: number, part: number, whole: number): number {
  assertInteger(amount, 'amount');
  assertInteger(part, 'part');
  return divideRounded(amount * part, whole);
}
