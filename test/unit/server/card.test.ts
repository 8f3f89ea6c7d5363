import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openAccount } from '../../../src/engine/billing-state';
import { cardBrand, isExpired, isLuhnValid, isValidCvc, normalizeCardNumber, parseExpiry } from '../../../src/engine/card';
import type { ChargeRequest } from '../../../src/server/platform/payment-processor';
import { isLocalPath, withQueryParam } from '../../../src/server/payments/return-path';
import {
  AUTHENTICATION_FAILED_MESSAGE,
  AUTHENTICATION_LIFETIME_MS,
  DECLINED_MESSAGE,
  INSUFFICIENT_FUNDS_MESSAGE,
  SANDBOX_CARDS,
  SandboxProcessor,
} from '../../../src/server/payments/sandbox';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { defaultCatalog } from '../engine/catalogs';

function withCheckDigit(payload: string): string {
  for (let digit = 0; digit <= 9; digit++) if (isLuhnValid(payload + digit)) return payload + digit;
  throw new Error('no check digit');
}

describe('server: card rules and the sandbox processor', () => {
  const NOW = '2026-11-12T00:00:00.000Z';
  let now = new Date(NOW);
  let dataDir: string;
  let store: SqliteStore;
  let processor: SandboxProcessor;
  beforeEach(async () => {
    now = new Date(NOW);
    dataDir = mkdtempSync(join(tmpdir(), 'tally-sandbox-'));
    store = SqliteStore.open({ dataDir, clock: () => now });
    processor = new SandboxProcessor(store, () => now);
    for (const id of ['acct_1', 'acct_2']) {
      const account = {
        id,
        email: `${id}@example.com`,
        passwordHash: 'scrypt$x',
        identityKind: 'builder-id' as const,
        createdAt: NOW,
        testClockAt: null,
      };
      assert.equal(await store.createAccount(account, openAccount(defaultCatalog, new Date(NOW)), []), 'created');
    }
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const authentication = {
    accountId: 'acct_1',
    purpose: 'checkout' as const,
    reference: 'cs_1',
    returnPath: '/checkout/authenticated',
    metadata: { email: 'ada@example.com' },
  };
  const typed = (number: string, amountCents = 1267): ChargeRequest => ({
    amountCents,
    card: { number, expiry: { month: 12, year: 2049 }, cvc: '987', holderName: 'Ada' },
    idempotencyKey: 'cs_1',
    at: new Date(NOW),
    authentication,
  });
  const confirm = (authenticationId: string, overrides: { accountId?: string; amountCents?: number; reference?: string } = {}) =>
    processor.confirmAuthenticated({
      authenticationId,
      accountId: overrides.accountId ?? 'acct_1',
      purpose: 'checkout',
      reference: overrides.reference ?? 'cs_1',
      amountCents: overrides.amountCents ?? 1267,
      idempotencyKey: 'cs_1',
      at: new Date(NOW),
    });
  async function authenticationFor(number: string): Promise<string> {
    const answer = await processor.charge(typed(number));
    assert.ok(answer.requiresAuthentication, `${number} asks for 3-D Secure`);
    return answer.authenticationId;
  }
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
    const card = { expiry: { month: 12, year: 2049 }, cvc: '123', holderName: 'Ada' };
    const at = new Date('2026-11-12T00:00:00Z');
    assert.deepEqual(
      await processor.charge({
        amountCents: 100,
        card: { ...card, number: '4242424242424242' },
        idempotencyKey: 'k',
        at,
        authentication,
      }),
      {
        ok: true,
        brand: 'visa',
        last4: '4242',
        reusable: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' },
      },
    );
    assert.deepEqual(
      await processor.charge({
        amountCents: 100,
        card: { ...card, number: '4000000000000002' },
        idempotencyKey: 'k',
        at,
        authentication,
      }),
      {
        ok: false,
        brand: 'visa',
        last4: '0002',
        message: DECLINED_MESSAGE,
      },
    );
    assert.equal(
      (
        await processor.charge({
          amountCents: 100,
          card: { ...card, number: '5555555555554444' },
          idempotencyKey: 'k',
          at,
          authentication,
        })
      ).ok,
      true,
    );
    const expired = await processor.charge({
      amountCents: 100,
      card: { ...card, number: '4242424242424242', expiry: { month: 10, year: 2026 } },
      idempotencyKey: 'k',
      at,
      authentication,
    });
    assert.equal(expired.ok, false);
  });

  it('charges a saved card again: 4242… keeps succeeding, 4000…0341 succeeds once and then declines', async () => {
    const at = new Date('2026-11-12T00:00:00Z');
    const card = { expiry: { month: 12, year: 2049 }, cvc: '123', holderName: 'Ada' };
    const first = await processor.charge({
      amountCents: 2000,
      card: { ...card, number: SANDBOX_CARDS.declinesAfterFirstCharge },
      idempotencyKey: 'k',
      at,
      authentication,
    });
    assert.ok(first.ok, 'the first charge, at checkout, succeeds');
    assert.equal(first.reusable.sandboxBehaviour, 'declines');
    const later = await processor.chargeSaved({
      amountCents: 2000,
      paymentMethod: { id: 'pm_1', ...first.reusable },
      idempotencyKey: 'k2',
      at,
    });
    assert.deepEqual(later, { ok: false, brand: 'visa', last4: '0341', message: DECLINED_MESSAGE });

    const good = { id: 'pm_2', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' as const };
    assert.deepEqual(await processor.chargeSaved({ amountCents: 2000, paymentMethod: good, idempotencyKey: 'k3', at }), {
      ok: true,
      chargeId: 'ch_sandbox_1',
      brand: 'visa',
      last4: '4242',
    });
    const expired = await processor.chargeSaved({
      amountCents: 2000,
      paymentMethod: { ...good, expMonth: 10, expYear: 2026 },
      idempotencyKey: 'k4',
      at,
    });
    assert.deepEqual(expired, { ok: false, brand: 'visa', last4: '4242', message: 'Your card has expired.' });
  });
  it('charges a saved card once per idempotency key, and keeps the refunds it gives', async () => {
    const at = new Date(NOW);
    const good = { id: 'pm_2', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' as const };
    const first = await processor.chargeSaved({ amountCents: 2000, paymentMethod: good, idempotencyKey: 'renewal:1', at });
    const retried = await processor.chargeSaved({ amountCents: 2000, paymentMethod: good, idempotencyKey: 'renewal:1', at });
    const other = await processor.chargeSaved({ amountCents: 2000, paymentMethod: good, idempotencyKey: 'renewal:2', at });
    assert.ok(first.ok && retried.ok && other.ok, 'all three succeed');
    assert.equal(retried.chargeId, first.chargeId, 'a retried key is the same charge');
    assert.notEqual(other.chargeId, first.chargeId, 'another key is another charge');
    await processor.refund({ chargeId: first.chargeId, amountCents: 2000, reason: 'not recorded' });
    await processor.refund({ chargeId: first.chargeId, amountCents: 2000, reason: 'not recorded' });
    assert.deepEqual(
      processor.refunds,
      [{ chargeId: first.chargeId, amountCents: 2000, reason: 'not recorded' }],
      'refunded once',
    );
  });

  it('declines 4000 0000 0000 9995 for insufficient funds', async () => {
    assert.deepEqual(await processor.charge(typed(SANDBOX_CARDS.insufficientFunds)), {
      ok: false,
      brand: 'visa',
      last4: '9995',
      message: INSUFFICIENT_FUNDS_MESSAGE,
    });
    assert.equal(INSUFFICIENT_FUNDS_MESSAGE, 'Your card has insufficient funds.');
  });

  it('asks for 3-D Secure for 4000 0025 0000 3155, keeping only brand, last four and expiry, and charges nothing yet', async () => {
    const answer = await processor.charge(typed(SANDBOX_CARDS.requiresAuthentication));
    assert.ok(answer.requiresAuthentication, 'the 3-D Secure card asks for authentication');
    assert.equal(answer.ok, false);
    assert.match(answer.authenticationId, /^pa_[A-Za-z0-9_-]{32}$/);
    assert.equal(answer.challengeUrl, `/sandbox/3ds/${answer.authenticationId}`);
    assert.deepEqual([answer.brand, answer.last4], ['visa', '3155']);
    const stored = await store.findPaymentAuthentication(answer.authenticationId);
    assert.deepEqual(stored && { ...stored, id: 'x' }, {
      id: 'x',
      accountId: 'acct_1',
      purpose: 'checkout',
      reference: 'cs_1',
      amountCents: 1267,
      card: { brand: 'visa', last4: '3155', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' },
      returnPath: '/checkout/authenticated',
      metadata: { email: 'ada@example.com' },
      status: 'pending',
      createdAt: NOW,
      expiresAt: new Date(Date.parse(NOW) + AUTHENTICATION_LIFETIME_MS).toISOString(),
      decidedAt: null,
      consumedAt: null,
    });
    const everything = JSON.stringify(await store.findPaymentAuthentication(answer.authenticationId));
    assert.ok(
      !everything.includes(SANDBOX_CARDS.requiresAuthentication) && !everything.includes('987'),
      'neither the number nor the CVC is stored',
    );
  });

  it('confirms a completed authentication once, for its own account, flow and amount only', async () => {
    const id = await authenticationFor(SANDBOX_CARDS.requiresAuthentication);
    const notYet = await confirm(id);
    assert.deepEqual(notYet, {
      ok: false,
      reason: 'unusable',
      message: 'Your card has not been authenticated yet. Complete the authentication, or enter your card again.',
    });
    assert.equal(await store.decidePaymentAuthentication(id, 'succeeded', NOW), true);
    assert.equal(await store.decidePaymentAuthentication(id, 'failed', NOW), false, 'the answer cannot change');

    const refused = 'This card authentication is not valid for this payment. Enter your card again to pay.';
    assert.deepEqual(
      await confirm(id, { accountId: 'acct_2' }),
      { ok: false, reason: 'unusable', message: refused },
      "another account's",
    );
    assert.deepEqual(
      await confirm(id, { amountCents: 1268 }),
      { ok: false, reason: 'unusable', message: refused },
      'another amount',
    );
    assert.deepEqual(
      await confirm(id, { reference: 'cs_2' }),
      { ok: false, reason: 'unusable', message: refused },
      'another checkout',
    );
    assert.deepEqual(await confirm('pa_unknown'), { ok: false, reason: 'unusable', message: refused }, 'an unknown id');

    const charged = await confirm(id);
    assert.deepEqual(charged, {
      ok: true,
      brand: 'visa',
      last4: '3155',
      reusable: { brand: 'visa', last4: '3155', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' },
      metadata: { email: 'ada@example.com' },
    });
    assert.equal((await store.findPaymentAuthentication(id))?.status, 'consumed');
    assert.deepEqual(await confirm(id), {
      ok: false,
      reason: 'unusable',
      message: 'This card authentication was already used. Enter your card again to pay.',
    });

    // Off-session charges of the saved card never ask again.
    assert.ok(charged.ok, 'charged');
    assert.deepEqual(
      await processor.chargeSaved({
        amountCents: 2000,
        paymentMethod: { id: 'pm_3ds', ...charged.reusable },
        idempotencyKey: 'renewal',
        at: new Date(NOW),
      }),
      {
        ok: true,
        chargeId: 'ch_sandbox_1',
        brand: 'visa',
        last4: '3155',
      },
    );
  });

  it('reports a failed authentication once, as a decline', async () => {
    const id = await authenticationFor(SANDBOX_CARDS.requiresAuthentication);
    assert.equal(await store.decidePaymentAuthentication(id, 'failed', NOW), true);
    assert.deepEqual(await confirm(id), {
      ok: false,
      reason: 'authentication-failed',
      brand: 'visa',
      last4: '3155',
      message: AUTHENTICATION_FAILED_MESSAGE,
      metadata: { email: 'ada@example.com' },
    });
    const again = await confirm(id);
    assert.ok(!again.ok && again.reason === 'unusable', 'a failed authentication is reported once, then refused');
  });

  it('lets an authentication expire after an hour', async () => {
    const id = await authenticationFor(SANDBOX_CARDS.requiresAuthentication);
    now = new Date(Date.parse(NOW) + AUTHENTICATION_LIFETIME_MS);
    assert.equal(await store.decidePaymentAuthentication(id, 'succeeded', now.toISOString()), false);
    assert.deepEqual(await confirm(id), {
      ok: false,
      reason: 'unusable',
      message: 'This card authentication expired. Enter your card again to pay.',
    });
  });

  it('refuses a return path that could leave the server', async () => {
    for (const returnPath of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'checkout/cs_1', '/\tevil', '']) {
      await assert.rejects(
        processor.charge({ ...typed(SANDBOX_CARDS.requiresAuthentication), authentication: { ...authentication, returnPath } }),
        /path on this server/,
        returnPath,
      );
    }
    assert.equal(isLocalPath('/checkout/cs_1/authenticated'), true);
    assert.equal(isLocalPath('/portal/ps_1/cards?x=1'), true);
    for (const bad of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      ' /x',
      '/x\n',
      '/\t/evil.example',
    ]) {
      assert.equal(isLocalPath(bad), false, bad);
    }
    assert.equal(
      withQueryParam('/checkout/cs_1/authenticated', 'authentication', 'pa_1'),
      '/checkout/cs_1/authenticated?authentication=pa_1',
    );
    assert.equal(withQueryParam('/a?b=1', 'authentication', 'pa_1'), '/a?b=1&authentication=pa_1');
    assert.throws(() => withQueryParam('//evil.example', 'authentication', 'pa_1'), /path on this server/);
  });
});
