import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { cardBrand, isExpired, isLuhnValid, isValidCvc, normalizeCardNumber, parseExpiry } from '../../../src/server/payments/card';
import { DECLINED_MESSAGE, SANDBOX_CARDS, SandboxProcessor } from '../../../src/server/payments/sandbox';

function withCheckDigit(payload: string): string {
  for (let digit = 0; digit <= 9; digit++) if (isLuhnValid(payload + digit)) return payload + digit;
  throw new Error('no check digit');
}

describe('server: card rules and the sandbox processor', () => {
  it('checks the Luhn sum', () => {
    assert.equal(isLuhnValid('4242424242424242'), true);
    assert.equal(isLuhnValid('4000000000000002'), true);
    assert.equal(isLuhnValid('4242424242424241'), false);
    assert.equal(isLuhnValid('42424242'), false, 'too short');
    assert.equal(isLuhnValid('4242a24242424242'), false);
    assert.equal(normalizeCardNumber(' 4242-4242 4242 4242 '), '4242424242424242');
  });

  it('detects any single changed digit (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11,18}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (payload, at, delta) => {
        const valid = withCheckDigit(payload);
        const index = at % valid.length;
        const changed = valid.slice(0, index) + ((Number(valid[index]) + delta) % 10) + valid.slice(index + 1);
        return isLuhnValid(valid) && !isLuhnValid(changed);
      }),
    );
  });

  it('names brands, parses expiry dates and CVCs', () => {
    assert.equal(cardBrand('4242424242424242'), 'visa');
    assert.equal(cardBrand('5555555555554444'), 'mastercard');
    assert.equal(cardBrand('378282246310005'), 'amex');
    assert.equal(cardBrand('6011111111111117'), 'discover');
    assert.deepEqual(parseExpiry('04/29'), { month: 4, year: 2029 });
    assert.deepEqual(parseExpiry(' 4 / 2031 '), { month: 4, year: 2031 });
    assert.equal(parseExpiry('13/29'), null);
    assert.equal(parseExpiry('0429'), null);
    assert.equal(isValidCvc('123'), true);
    assert.equal(isValidCvc('1234'), true);
    assert.equal(isValidCvc('12'), false);
    assert.equal(isValidCvc('12a'), false);
  });

  it('counts a card as valid through the end of its expiry month', () => {
    const at = new Date('2026-11-30T23:59:59Z');
    assert.equal(isExpired({ month: 11, year: 2026 }, at), false);
    assert.equal(isExpired({ month: 10, year: 2026 }, at), true);
    assert.equal(isExpired({ month: 1, year: 2027 }, at), false);
    assert.equal(isExpired({ month: 12, year: 2025 }, at), true);
  });

  it('succeeds with 4242…, declines 4000…0002, and returns only brand, last four and expiry', async () => {
    const processor = new SandboxProcessor();
    const card = { expiry: { month: 12, year: 2049 }, cvc: '123', holderName: 'Ada' };
    const at = new Date('2026-11-12T00:00:00Z');
    assert.deepEqual(await processor.charge({ amountCents: 100, card: { ...card, number: '4242424242424242' }, idempotencyKey: 'k', at }), {
      ok: true,
      brand: 'visa',
      last4: '4242',
      reusable: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' },
    });
    assert.deepEqual(await processor.charge({ amountCents: 100, card: { ...card, number: '4000000000000002' }, idempotencyKey: 'k', at }), {
      ok: false,
      brand: 'visa',
      last4: '0002',
      message: DECLINED_MESSAGE,
    });
    assert.equal((await processor.charge({ amountCents: 100, card: { ...card, number: '5555555555554444' }, idempotencyKey: 'k', at })).ok, true);
    const expired = await processor.charge({ amountCents: 100, card: { ...card, number: '4242424242424242', expiry: { month: 10, year: 2026 } }, idempotencyKey: 'k', at });
    assert.equal(expired.ok, false);
  });

  it('charges a saved card again: 4242… keeps succeeding, 4000…0341 succeeds once and then declines', async () => {
    const processor = new SandboxProcessor();
    const at = new Date('2026-11-12T00:00:00Z');
    const card = { expiry: { month: 12, year: 2049 }, cvc: '123', holderName: 'Ada' };
    const first = await processor.charge({ amountCents: 2000, card: { ...card, number: SANDBOX_CARDS.declinesAfterFirstCharge }, idempotencyKey: 'k', at });
    assert.ok(first.ok, 'the first charge, at checkout, succeeds');
    assert.equal(first.reusable.sandboxBehaviour, 'declines');
    const later = await processor.chargeSaved({ amountCents: 2000, paymentMethod: { id: 'pm_1', ...first.reusable }, idempotencyKey: 'k2', at });
    assert.deepEqual(later, { ok: false, brand: 'visa', last4: '0341', message: DECLINED_MESSAGE });

    const good = { id: 'pm_2', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' as const };
    assert.deepEqual(await processor.chargeSaved({ amountCents: 2000, paymentMethod: good, idempotencyKey: 'k3', at }), { ok: true, brand: 'visa', last4: '4242' });
    const expired = await processor.chargeSaved({ amountCents: 2000, paymentMethod: { ...good, expMonth: 10, expYear: 2026 }, idempotencyKey: 'k4', at });
    assert.deepEqual(expired, { ok: false, brand: 'visa', last4: '4242', message: 'Your card has expired.' });
  });
});
