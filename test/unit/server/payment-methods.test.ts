import { strict as assert } from 'node:assert';
import { addCard, removeCard, setDefaultCard, updateCardExpiry } from '../../../src/server/billing/payment-methods';
import { DomainError } from '../../../src/protocol/error-codes';
import type { AccountRecord } from '../../../src/store/store';
import { signUpAndGetToken, signUpAndUpgrade, freshServerForEachTest, type TestServer } from '../../support/server';

const NOV_16 = '2026-11-16T10:00:00Z';
const CARD = { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2049, sandboxBehaviour: 'succeeds' as const };

describe('server: saved-card operations', () => {
  let server: TestServer;
  let seq = 0;
  const time = freshServerForEachTest(NOV_16, (started) => (server = started));

  const account = async (id: string): Promise<AccountRecord> => {
    const found = await server.store.findAccountById(id);
    assert.ok(found, `account ${id} exists`);
    return found;
  };
  const refusal = (code: string, field: string) => (error: unknown) =>
    error instanceof DomainError && error.code === code && error.field === field && error.message.length > 0;
  const paidAccount = async () =>
    account((await signUpAndUpgrade(server, `cards-${++seq}@example.com`, 'a good password', 'pro')).token.account.id);
  const freeAccount = async () =>
    account((await signUpAndGetToken(server.baseUrl, `cards-${++seq}@example.com`, 'a good password')).account.id);

  it('adds a card as the default and edits its expiry, refusing an expiry in the past or out of range', async () => {
    const ada = await paidAccount();
    const [checkoutCard] = await server.store.listPaymentMethods(ada.id);
    const added = await addCard(server.context, ada, { ...CARD, last4: '4444', brand: 'mastercard' }, { makeDefault: true });
    assert.deepEqual(
      (await server.store.listPaymentMethods(ada.id)).map((m) => [m.id, m.isDefault]),
      [
        [added.id, true],
        [checkoutCard?.id, false],
      ],
    );

    const updated = await updateCardExpiry(server.context, ada, added.id, { expMonth: 11, expYear: 2026 });
    assert.deepEqual([updated.expMonth, updated.expYear], [11, 2026], 'the current month is still good');
    await assert.rejects(
      updateCardExpiry(server.context, ada, added.id, { expMonth: 10, expYear: 2026 }),
      refusal('expired', 'expYear'),
    );
    await assert.rejects(
      updateCardExpiry(server.context, ada, added.id, { expMonth: 0, expYear: 2030 }),
      refusal('invalid_expiry', 'expMonth'),
    );
    await assert.rejects(
      updateCardExpiry(server.context, ada, added.id, { expMonth: 6, expYear: 30 }),
      refusal('invalid_expiry', 'expYear'),
    );
    await assert.rejects(
      addCard(server.context, ada, { ...CARD, expMonth: 1, expYear: 2026 }, { makeDefault: false }),
      refusal('expired', 'expYear'),
    );
    const stored = (await server.store.listPaymentMethods(ada.id)).find((m) => m.id === added.id);
    assert.deepEqual([stored?.expMonth, stored?.expYear], [11, 2026], 'a refused edit stores nothing');
    assert.equal((await server.store.listPaymentMethods(ada.id)).length, 2, 'a refused card is not added');
  });

  it('never lets one account touch another’s card: not found, and nothing changes', async () => {
    const ada = await paidAccount();
    const bob = await paidAccount();
    const [bobsCard] = await server.store.listPaymentMethods(bob.id);
    const id = bobsCard?.id ?? '';
    await addCard(server.context, ada, CARD, { makeDefault: false });
    await assert.rejects(setDefaultCard(server.context, ada, id), refusal('not_found', 'paymentMethodId'));
    await assert.rejects(
      updateCardExpiry(server.context, ada, id, { expMonth: 1, expYear: 2040 }),
      refusal('not_found', 'paymentMethodId'),
    );
    await assert.rejects(removeCard(server.context, ada, id), refusal('not_found', 'paymentMethodId'));
    assert.deepEqual(await server.store.listPaymentMethods(bob.id), [bobsCard]);
  });

  it('refuses to remove the only card of a paid plan; removing the default promotes the newest remaining card', async () => {
    const ada = await paidAccount();
    const [only] = await server.store.listPaymentMethods(ada.id);
    await assert.rejects(removeCard(server.context, ada, only?.id ?? ''), refusal('last_card', 'paymentMethodId'));
    const older = await addCard(server.context, ada, { ...CARD, last4: '1111' }, { makeDefault: false });
    time.set('2026-11-16T11:00:00Z');
    const newer = await addCard(server.context, ada, { ...CARD, last4: '2222' }, { makeDefault: false });
    assert.ok(older.createdAt < newer.createdAt, 'added in order');
    const { promoted } = await removeCard(server.context, ada, only?.id ?? '');
    assert.equal(promoted?.id, newer.id);
    assert.equal((await server.store.findDefaultPaymentMethod(ada.id))?.id, newer.id, 'the renewals now charge the newest card');
  });

  it('lets a Free account remove its last card', async () => {
    const eve = await freeAccount();
    const card = await addCard(server.context, eve, CARD, { makeDefault: false });
    assert.equal(card.isDefault, true, 'the first card is the default');
    assert.deepEqual(await removeCard(server.context, eve, card.id), { promoted: null });
    assert.deepEqual(await server.store.listPaymentMethods(eve.id), []);
  });
});
