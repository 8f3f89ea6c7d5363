import { strict as assert } from 'node:assert';
import {
  cardExpiry,
  cardExpiryParts,
  manualClock,
  signUpAndGetToken,
  signUpAndUpgrade,
  startTestServer,
  TEST_CARDS,
  validCardExpiry,
  type TestServer,
  apiRequest,
} from '../../support/server';
import { openPortal, textOf, type PageResponse, type PortalBrowser } from '../../support/portal-client';

const THREE_D_SECURE = '4000 0025 0000 3155';

describe('server: saved cards and the outstanding balance in the portal', () => {
  const time = manualClock('2026-11-16T10:00:00Z');
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
  });
  after(() => server.close());

  const cardsOf = async (accountId: string) =>
    (await server.store.listPaymentMethods(accountId)).map(
      (card) => `${card.last4}${card.isDefault ? '*' : ''} ${card.expMonth}/${card.expYear}`,
    );
  /** How cardsOf prints an expiry typed as MM/YY: '3/2031'. */
  const stored = (typed: string) => `${cardExpiryParts(typed).month}/${cardExpiryParts(typed).year}`;
  const addCardForm = (browser: PortalBrowser) => browser.get('/billing/payment-methods/new');
  const fill = (number: string, extra: Record<string, string> = {}) => ({
    cardholder_name: 'Ada Lovelace',
    card_number: number,
    card_expiry: validCardExpiry(server),
    card_cvc: '123',
    make_default: 'yes',
    ...extra,
  });

  it('adds a card (only its brand, last four and expiry), as the default when asked', async () => {
    const { token } = await signUpAndUpgrade(server, 'add@example.com', 'a good password', 'pro');
    const { browser } = await openPortal(server.baseUrl, token.accessToken);
    const added = await browser.submit(
      await addCardForm(browser),
      'add-card-form',
      fill('5555 5555 5555 4444', { make_default: '' }),
    );
    assert.equal(added.path, '/billing?done=card-added');
    assert.deepEqual(await cardsOf(token.account.id), [
      `4242* ${stored(validCardExpiry(server))}`,
      `4444 ${stored(validCardExpiry(server))}`,
    ]);
    assert.match(
      added.html,
      new RegExp(
        `id="pm-4444">\\s*<span class="card-label">Mastercard •••• 4444</span>\\s*<span class="muted">Expires ${stored(validCardExpiry(server))}</span>`,
      ),
    );
    const dump = JSON.stringify(server.sql('SELECT * FROM payment_methods'));
    assert.doesNotMatch(dump, /5555555555554444|5555 5555/, 'the full number is never stored');

    const defaulted = await browser.submit(await addCardForm(browser), 'add-card-form', fill('4000 0566 5566 5556'));
    assert.equal(defaulted.path, '/billing?done=card-added');
    // The default first, then the newest.
    assert.deepEqual(await cardsOf(token.account.id), [
      `5556* ${stored(validCardExpiry(server))}`,
      `4444 ${stored(validCardExpiry(server))}`,
      `4242 ${stored(validCardExpiry(server))}`,
    ]);
  });

  it('names each bad field, reports a declined card, and stores nothing', async () => {
    const { token } = await signUpAndUpgrade(server, 'badcard@example.com', 'a good password', 'pro');
    const { browser } = await openPortal(server.baseUrl, token.accessToken);
    const form = await addCardForm(browser);
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ cardholder_name: '' }, 'cardholder-name', /Enter the name on the card/],
      [{ card_number: '4242 4242 4242 4241' }, 'card-number', /invalid/],
      [{ card_expiry: '01/20' }, 'card-expiry', /expired/],
      [{ card_expiry: '13/30' }, 'card-expiry', /MM\/YY/],
      [{ card_cvc: '12' }, 'card-cvc', /3 or 4 digits/],
    ];
    for (const [fields, id, message] of cases) {
      const answer = await browser.submit(form, 'add-card-form', fill(TEST_CARDS.success, fields));
      assert.equal(answer.status, 400, JSON.stringify(fields));
      assert.match(textOf(answer.html, `${id}-error`) ?? '', message);
      assert.match(answer.html, /id="card-number" name="card_number" type="text" value=""/, 'the number is not sent back');
      assert.match(answer.html, /id="card-cvc" name="card_cvc" type="text" value=""/, 'nor the CVC');
    }
    const declined = await browser.submit(form, 'add-card-form', fill(TEST_CARDS.declined));
    assert.equal(declined.status, 402);
    assert.match(textOf(declined.html, 'form-error') ?? '', /declined/);
    const forged = await browser.post('/billing/payment-methods', fill(TEST_CARDS.success));
    assert.equal(forged.status, 403);
    assert.deepEqual(await cardsOf(token.account.id), [`4242* ${stored(validCardExpiry(server))}`]);
  });

  it('adds a 3-D Secure card after Complete, once; Fail adds nothing', async () => {
    const { token } = await signUpAndUpgrade(server, 'threeds@example.com', 'a good password', 'pro');
    const { browser } = await openPortal(server.baseUrl, token.accessToken);
    const challenge = await browser.submit(await addCardForm(browser), 'add-card-form', fill(THREE_D_SECURE));
    assert.match(challenge.path, /^\/sandbox\/3ds\//);
    assert.deepEqual(
      await cardsOf(token.account.id),
      [`4242* ${stored(validCardExpiry(server))}`],
      'nothing is saved before the challenge',
    );
    const done = await browser.submit(challenge, 'complete-form');
    assert.equal(done.path, '/billing?done=card-added');
    assert.deepEqual(await cardsOf(token.account.id), [
      `3155* ${stored(validCardExpiry(server))}`,
      `4242 ${stored(validCardExpiry(server))}`,
    ]);

    const failing = await browser.submit(await addCardForm(browser), 'add-card-form', fill(THREE_D_SECURE));
    const failed = await browser.submit(failing, 'fail-form');
    assert.equal(failed.status, 402);
    assert.match(textOf(failed.html, 'form-error') ?? '', /couldn't authenticate/);
    assert.equal((await cardsOf(token.account.id)).length, 2);
  });

  it('edits the expiry, makes a card the default and removes cards, but never the last one of a paid plan', async () => {
    const { token } = await signUpAndUpgrade(server, 'manage@example.com', 'a good password', 'pro');
    const { browser, page } = await openPortal(server.baseUrl, token.accessToken);
    const [only] = await server.store.listPaymentMethods(token.account.id);
    assert.ok(only, 'the checkout saved the card');

    const refused = await browser.submit(page, `remove-${only.id}`);
    assert.equal(refused.status, 409);
    assert.match(textOf(refused.html, 'form-error') ?? '', /only card/);

    const edit = await browser.get(`/billing/payment-methods/${only.id}/edit`);
    const past = await browser.submit(edit, 'edit-card-form', { card_expiry: cardExpiry(server.clock(), -1) });
    assert.equal(past.status, 400);
    assert.match(textOf(past.html, 'card-expiry-error') ?? '', /expired/);
    const edited = cardExpiry(server.clock(), 52);
    const saved = await browser.submit(edit, 'edit-card-form', { card_expiry: edited });
    assert.equal(saved.path, '/billing?done=card-updated');
    assert.deepEqual(await cardsOf(token.account.id), [`4242* ${stored(edited)}`]);

    const withSecond = await browser.submit(
      await addCardForm(browser),
      'add-card-form',
      fill('5555 5555 5555 4444', { make_default: '' }),
    );
    const second = (await server.store.listPaymentMethods(token.account.id)).find((card) => card.last4 === '4444');
    assert.ok(second, 'the second card was added');
    const defaulted = await browser.submit(withSecond, `default-${second.id}`);
    assert.equal(defaulted.path, '/billing?done=default-changed');
    assert.deepEqual(await cardsOf(token.account.id), [`4444* ${stored(validCardExpiry(server))}`, `4242 ${stored(edited)}`]);
    const removed = await browser.submit(defaulted, `remove-${second.id}`);
    assert.equal(removed.path, '/billing?done=card-removed');
    assert.deepEqual(
      await cardsOf(token.account.id),
      [`4242* ${stored(edited)}`],
      'removing the default promotes the other card',
    );
  });

  it("never touches another account's card: each action answers not found and changes nothing", async () => {
    const owner = await signUpAndUpgrade(server, 'card-owner@example.com', 'a good password', 'pro');
    const [ownerCard] = await server.store.listPaymentMethods(owner.token.account.id);
    assert.ok(ownerCard, 'the owner has a card');
    const intruder = await signUpAndGetToken(server.baseUrl, 'card-intruder@example.com', 'a good password');
    const { browser } = await openPortal(server.baseUrl, intruder.accessToken);
    // A valid CSRF token of the intruder's own session: only the account decides.
    const csrf = /name="csrf" value="([^"]+)"/.exec((await addCardForm(browser)).html)?.[1] ?? '';
    assert.ok(csrf, 'the intruder has a CSRF token');
    assert.equal((await browser.get(`/billing/payment-methods/${ownerCard.id}/edit`)).status, 404);
    assert.equal(
      (await browser.post(`/billing/payment-methods/${ownerCard.id}/edit`, { csrf, card_expiry: validCardExpiry(server) }))
        .status,
      404,
    );
    for (const action of ['default', 'remove']) {
      const answer = await browser.post(`/billing/payment-methods/${ownerCard.id}/${action}`, { csrf });
      assert.equal(
        answer.status,
        404,
        `${action}: ${answer.status} ${textOf(answer.html, 'form-error') ?? textOf(answer.html, 'page-message')}`,
      );
      assert.doesNotMatch(answer.html, /card-owner@example\.com|4242/);
    }
    assert.deepEqual(await cardsOf(owner.token.account.id), [`4242* ${stored(validCardExpiry(server))}`]);
  });

  it('Pay outstanding balance: declined with the old card, paid once with a new one, and the plan is back', async () => {
    const { token } = await signUpAndUpgrade(server, 'owes@example.com', 'a good password', 'pro', {
      cardNumber: TEST_CARDS.declinesAfterFirstCharge,
    });
    const advanced = await apiRequest(server.baseUrl, 'POST', '/api/test-clock/advance', {
      token: token.accessToken,
      body: { to: '2026-12-01T06:00:00Z' },
    });
    assert.equal(advanced.status, 200);
    const { browser, page } = await openPortal(server.baseUrl, token.accessToken);
    assert.equal(textOf(page.html, 'portal-status'), 'Past due');
    assert.match(page.html, /id="past-due"[\s\S]*\$20\.00 is outstanding[\s\S]*try your default card again on Dec 2, 2026/);

    const declined = await browser.submit(page, 'pay-outstanding-form');
    assert.equal(declined.status, 402);
    assert.match(textOf(declined.html, 'form-error') ?? '', /declined/);

    const withCard: PageResponse = await browser.submit(await addCardForm(browser), 'add-card-form', fill(TEST_CARDS.success));
    const paid = await browser.submit(withCard, 'pay-outstanding-form');
    assert.equal(paid.path, '/billing?done=balance-paid');
    assert.equal(textOf(paid.html, 'portal-status'), 'Active');
    assert.equal(textOf(paid.html, 'portal-credits'), '1,000 of 1,000 left this period');
    const payments = await server.store.listPayments(token.account.id);
    const again = await browser.submit(withCard, 'pay-outstanding-form');
    assert.equal(again.status, 200, 'a second submit of the same form changes nothing');
    assert.equal((await server.store.listPayments(token.account.id)).length, payments.length);
    assert.equal(payments.filter((payment) => payment.status === 'succeeded' && payment.amountCents === 2000).length, 1);
  });
});
