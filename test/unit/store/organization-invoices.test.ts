import { strict as assert } from 'node:assert';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAccount } from '../../../src/engine/billing-state';
import { activateSeat, cancelSeat, subscribeSeat } from '../../../src/engine/organization';
import { DATABASE_FILE } from '../../../src/store/sqlite/open';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import type { NewOrganizationInvoice } from '../../../src/store/store';
import { defaultCatalog } from '../engine/catalogs';

const NOW = '2026-12-01T09:00:00.000Z';
const clock = () => new Date(NOW);

describe('store: organization invoices (migration 0012)', () => {
  let dataDir: string;
  let store: SqliteStore;
  let side: Database.Database;
  const audit = { actorId: 'acct_admin', action: 'organization.create', target: 'organization', before: null, after: null };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-store-'));
    store = SqliteStore.open({ dataDir, clock });
    side = new Database(join(dataDir, DATABASE_FILE));
    for (const [id, email] of [
      ['acct_admin', 'admin@example.com'],
      ['acct_other', 'other@example.com'],
      ['acct_ada', 'ada@example.com'],
    ] as const) {
      const account = { id, email, passwordHash: 'x', identityKind: 'builder-id' as const, createdAt: NOW, testClockAt: null };
      assert.equal(await store.createAccount(account, openAccount(defaultCatalog, new Date(NOW)), []), 'created');
    }
    await store.createOrganization({ id: 'org_1', name: 'Acme', timeZone: 'UTC', adminAccountId: 'acct_admin', now: NOW, audit });
    await store.createOrganization({
      id: 'org_2',
      name: 'Other',
      timeZone: 'UTC',
      adminAccountId: 'acct_other',
      now: NOW,
      audit: { ...audit, actorId: 'acct_other' },
    });
  });
  afterEach(async () => {
    side.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const invoice = (id: string, organizationId: string, month = '2026-11', amounts = [2000, 150]): NewOrganizationInvoice => ({
    id,
    organizationId,
    month,
    organizationName: 'Acme',
    timeZone: 'UTC',
    periodStart: `${month}-01T00:00:00.000Z`,
    periodEnd: '2026-12-01T00:00:00.000Z',
    lines: amounts.map((amountCents, i) => ({
      kind: i === 0 ? 'subscription' : 'overage',
      userId: 'acct_ada',
      email: 'ada@example.com',
      planId: i === 0 ? 'pro' : null,
      description: i === 0 ? 'Pro, full month' : 'Overage',
      amountCents,
    })),
    totalCents: amounts.reduce((a, b) => a + b, 0),
    issuedAt: NOW,
  });

  it('issues one invoice per organization and month, numbered per month in its own series', async () => {
    const first = await store.issueOrganizationInvoice(invoice('oi_1', 'org_1'));
    assert.equal(first?.number, 'ORG-202611-0001');
    assert.equal(await store.issueOrganizationInvoice(invoice('oi_2', 'org_1')), null, 'the month is already issued');
    assert.equal((await store.issueOrganizationInvoice(invoice('oi_3', 'org_2')))?.number, 'ORG-202611-0002');
    assert.equal((await store.issueOrganizationInvoice(invoice('oi_4', 'org_1', '2026-10')))?.number, 'ORG-202610-0001');
    assert.deepEqual(
      (await store.listOrganizationInvoices('org_1')).map((i) => [i.id, i.month]),
      [
        ['oi_1', '2026-11'],
        ['oi_4', '2026-10'],
      ],
    );
    assert.deepEqual(await store.findOrganizationInvoice('org_1', 'oi_1'), first);
    assert.equal(await store.findOrganizationInvoice('org_2', 'oi_1'), undefined, "another organization's invoice is not found");
  });

  it('refuses a total that is not the sum of the lines, writing nothing', async () => {
    await assert.rejects(
      store.issueOrganizationInvoice({ ...invoice('oi_1', 'org_1'), totalCents: 1 }),
      /not the sum of its lines/,
    );
    assert.deepEqual(await store.listOrganizationInvoices('org_1'), []);
  });

  it('never updates or deletes an issued invoice', async () => {
    await store.issueOrganizationInvoice(invoice('oi_1', 'org_1'));
    assert.throws(
      () => side.prepare("UPDATE organization_invoices SET total_cents = 0 WHERE id = 'oi_1'").run(),
      /immutable: they are never updated/,
    );
    assert.throws(
      () => side.prepare("DELETE FROM organization_invoices WHERE id = 'oi_1'").run(),
      /immutable: they are never deleted/,
    );
    assert.equal((await store.findOrganizationInvoice('org_1', 'oi_1'))?.totalCents, 2150);
  });

  it('keeps an activated seat that a new subscription replaces after its cancellation', async () => {
    const at = (iso: string) => new Date(iso);
    const first = cancelSeat(
      activateSeat(subscribeSeat(defaultCatalog, 'acct_ada', 'pro', at('2026-11-02T00:00:00Z')), at('2026-11-02T00:00:00Z')),
      at('2026-11-10T00:00:00Z'),
    );
    const again = subscribeSeat(defaultCatalog, 'acct_ada', 'pro', at('2026-11-20T00:00:00Z'));
    let version = 1;
    const save = async (seats: ReturnType<typeof subscribeSeat>[], newMembers: { accountId: string; role: 'member' }[] = []) =>
      assert.equal(
        await store.applyOrganizationChange({
          organizationId: 'org_1',
          expectedVersion: version++,
          now: NOW,
          newMembers,
          seats,
          audit: [],
        }),
        'applied',
      );
    await save([first], [{ accountId: 'acct_ada', role: 'member' }]);
    await save([first]);
    assert.deepEqual(
      await store.listOrganizationSeatStints('org_1', '2026-11-01T00:00:00.000Z'),
      [],
      'the same seat written again is no new stint',
    );
    await save([again]);
    assert.deepEqual(await store.listOrganizationSeatStints('org_1', '2026-11-01T00:00:00.000Z'), [first]);
    assert.deepEqual(await store.listOrganizationSeatStints('org_1', '2026-12-01T00:00:00.000Z'), [], 'it ended before that');
  });
});
