import assert from 'node:assert/strict';
import { markArrearsCalculated, openAccount } from '../../../src/engine/billing-state';
import { calculatedInvoices, outstandingInvoices, sumOf } from '../../../src/engine/open-invoices';
import { defaultCatalog } from './catalogs';

describe('engine: outstanding and calculated invoices', () => {
  const opened = openAccount(defaultCatalog, new Date('2027-03-10T12:00:00Z'));
  const periodStart = opened.period.start.toISOString();
  const calculatedAt = new Date(opened.period.end.getTime() - 3 * 86_400_000);
  const calculated = markArrearsCalculated(opened, calculatedAt);
  // Newest first, as the store lists them.
  const invoices = [
    { id: 'arrears', status: 'open', totalCents: 700, issuedAt: calculatedAt.toISOString(), periodStart },
    { id: 'paid', status: 'paid', totalCents: 2000, issuedAt: '2027-03-05T00:00:00.000Z', periodStart },
    { id: 'renewal', status: 'open', totalCents: 2000, issuedAt: '2027-03-01T00:00:00.000Z', periodStart },
    {
      id: 'older',
      status: 'open',
      totalCents: 500,
      issuedAt: '2027-02-01T00:00:00.000Z',
      periodStart: '2027-02-01T00:00:00.000Z',
    },
    { id: 'void', status: 'void', totalCents: 900, issuedAt: '2027-01-01T00:00:00.000Z', periodStart: null },
  ];

  it('owes every open invoice, oldest first, except this period’s in-arrears calculation', () => {
    assert.deepEqual(
      outstandingInvoices(calculated, invoices).map((i) => i.id),
      ['older', 'renewal'],
    );
    assert.deepEqual(
      calculatedInvoices(calculated, invoices).map((i) => i.id),
      ['arrears'],
    );
  });

  it('before a calculation this period, every open invoice is outstanding and none is calculated', () => {
    assert.deepEqual(
      outstandingInvoices(opened, invoices).map((i) => i.id),
      ['older', 'renewal', 'arrears'],
    );
    assert.deepEqual(calculatedInvoices(opened, invoices), []);
  });

  it('sums totals in cents', () => {
    assert.equal(sumOf(outstandingInvoices(calculated, invoices)), 2500);
    assert.equal(sumOf([]), 0);
  });
});
