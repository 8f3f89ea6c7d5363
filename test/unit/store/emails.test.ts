import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAccount } from '../../../src/engine/billing-state';
import type { NewEmail } from '../../../src/store/store';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { defaultCatalog } from '../engine/catalogs';

const NOW = '2026-11-12T09:00:00.000Z';
const LATER = '2026-11-12T09:05:00.000Z';

function email(id: string, overrides: Partial<NewEmail> = {}): NewEmail {
  return {
    id,
    accountId: null,
    kind: 'receipt',
    to: 'ada@example.com',
    replyTo: null,
    subject: `Subject of ${id}`,
    text: `Body of ${id}`,
    html: `<p>Body of ${id}</p>`,
    createdAt: NOW,
    nextAttemptAt: NOW,
    ...overrides,
  };
}

describe('store: the email outbox', () => {
  let dataDir: string;
  let store: SqliteStore;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-emails-'));
    store = SqliteStore.open({ dataDir, clock: () => new Date(NOW) });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records a message and finds it by id, undelivered with no attempts yet', async () => {
    await store.recordEmail(email('em_1', { replyTo: 'grace@example.com', html: null }));
    assert.deepEqual(await store.findEmail('em_1'), {
      ...email('em_1', { replyTo: 'grace@example.com', html: null }),
      deliveredAt: null,
      attempts: 0,
      lastError: null,
    });
    assert.equal(await store.findEmail('em_nope'), undefined);
  });

  it('lists newest first, as many as asked for, even when written in the same millisecond', async () => {
    for (const id of ['em_a', 'em_b', 'em_c']) await store.recordEmail(email(id));
    assert.deepEqual(
      (await store.listEmails(10)).map((e) => e.id),
      ['em_c', 'em_b', 'em_a'],
    );
    assert.deepEqual(
      (await store.listEmails(2)).map((e) => e.id),
      ['em_c', 'em_b'],
    );
  });

  it('lists as undelivered only what is due: not delivered, not kept in the outbox only, not waiting out a backoff', async () => {
    await store.recordEmail(email('em_due'));
    await store.recordEmail(email('em_outbox_only', { nextAttemptAt: null }));
    await store.recordEmail(email('em_later', { nextAttemptAt: LATER }));
    await store.recordEmail(email('em_sent'));
    await store.markEmailDelivered('em_sent', NOW);
    assert.deepEqual(
      (await store.listUndeliveredEmails(NOW, 10)).map((e) => e.id),
      ['em_due'],
    );
    assert.deepEqual(
      (await store.listUndeliveredEmails(LATER, 10)).map((e) => e.id),
      ['em_due', 'em_later'],
    );
    assert.deepEqual(
      (await store.listUndeliveredEmails(LATER, 1)).map((e) => e.id),
      ['em_due'],
    );
  });

  it('lets one sender claim a due message: the attempt counts, and a second claim fails until the lease runs out', async () => {
    await store.recordEmail(email('em_1'));
    assert.equal(await store.claimEmailDelivery('em_1', NOW, LATER), true);
    assert.equal(await store.claimEmailDelivery('em_1', NOW, LATER), false, 'the second sender gets nothing');
    assert.deepEqual(
      (await store.listUndeliveredEmails(NOW, 10)).map((e) => e.id),
      [],
    );
    const claimed = await store.findEmail('em_1');
    assert.equal(claimed?.attempts, 1);
    assert.equal(claimed?.nextAttemptAt, LATER);
    assert.equal(
      await store.claimEmailDelivery('em_1', LATER, '2026-11-12T09:10:00.000Z'),
      true,
      'claimable again once the lease ran out',
    );
    assert.equal((await store.findEmail('em_1'))?.attempts, 2);
  });

  it('never claims a message kept in the outbox only, or one already delivered', async () => {
    await store.recordEmail(email('em_outbox_only', { nextAttemptAt: null }));
    await store.recordEmail(email('em_sent'));
    await store.markEmailDelivered('em_sent', NOW);
    assert.equal(await store.claimEmailDelivery('em_outbox_only', LATER, LATER), false);
    assert.equal(await store.claimEmailDelivery('em_sent', LATER, LATER), false);
  });

  it('marks a failed attempt with its error and next attempt, and a delivery once', async () => {
    await store.recordEmail(email('em_1'));
    await store.claimEmailDelivery('em_1', NOW, LATER);
    await store.markEmailAttemptFailed('em_1', 'ECONNECTION: connect ECONNREFUSED 127.0.0.1:2525', '2026-11-12T09:01:00.000Z');
    let stored = await store.findEmail('em_1');
    assert.equal(stored?.lastError, 'ECONNECTION: connect ECONNREFUSED 127.0.0.1:2525');
    assert.equal(stored?.nextAttemptAt, '2026-11-12T09:01:00.000Z');
    assert.equal(stored?.deliveredAt, null);

    await store.markEmailDelivered('em_1', LATER);
    await store.markEmailDelivered('em_1', '2026-11-13T00:00:00.000Z');
    await store.markEmailAttemptFailed('em_1', 'late failure report', LATER);
    stored = await store.findEmail('em_1');
    assert.equal(stored?.deliveredAt, LATER, 'the first delivery time stays');
    assert.equal(stored?.nextAttemptAt, null, 'a delivered message is never due again');
    assert.equal(stored?.lastError, 'ECONNECTION: connect ECONNREFUSED 127.0.0.1:2525', 'a late failure report changes nothing');
  });

  it('links a message only to an account that exists, and stores only the kinds it knows', async () => {
    const account = {
      id: 'acct_1',
      email: 'ada@example.com',
      passwordHash: 'x',
      identityKind: 'builder-id' as const,
      createdAt: NOW,
      testClockAt: null,
    };
    await store.createAccount(account, openAccount(defaultCatalog, new Date(NOW)), []);
    await store.recordEmail(email('em_1', { accountId: 'acct_1' }));
    assert.equal((await store.findEmail('em_1'))?.accountId, 'acct_1');
    await assert.rejects(store.recordEmail(email('em_2', { accountId: 'acct_unknown' })), /FOREIGN KEY/);
    await assert.rejects(store.recordEmail(email('em_3', { kind: 'newsletter' as never })), /CHECK/);
  });
});
