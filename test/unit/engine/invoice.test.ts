import assert from 'node:assert/strict';
import { buildInvoice, NO_BILLING_DETAILS, sumLines, type BillingDetails } from '../../../src/engine/invoice';

const charge = (amountCents: number) => ({ kind: 'subscription' as const, description: 'Pro plan', amountCents });
const taxed: BillingDetails = { name: 'Ada', address: '1 Loop Road', taxId: 'GB123', taxRateBasisPoints: 2000 };

describe('engine/invoice', () => {
  it('totals exactly the sum of its lines', () => {
    const invoice = buildInvoice(
      [charge(2000), { kind: 'proration-credit', description: 'Already paid', amountCents: -1000 }],
      NO_BILLING_DETAILS,
      0,
    );
    assert.equal(invoice.totalCents, 1000);
    assert.equal(invoice.totalCents, sumLines(invoice.lines));
  });

  it('adds tax on what is due, rounded once half-up', () => {
    const invoice = buildInvoice([charge(1033)], taxed, 0);
    assert.deepEqual(invoice.lines[1], { kind: 'tax', description: 'Tax (20%)', amountCents: 207 }); // 206.6
    assert.equal(invoice.totalCents, 1240);
  });

  it('applies a credit balance before tax, never below zero', () => {
    const partly = buildInvoice([charge(2000)], taxed, 500);
    assert.deepEqual(
      partly.lines.map((l) => [l.kind, l.amountCents]),
      [
        ['subscription', 2000],
        ['applied-balance', -500],
        ['tax', 300],
      ],
    );
    const wholly = buildInvoice([charge(2000)], taxed, 9000);
    assert.equal(wholly.totalCents, 0);
  });

  it('keeps a copy of the billing details as they were at issue time', () => {
    const details = { ...taxed };
    const invoice = buildInvoice([charge(2000)], details, 0);
    details.address = '2 Later Street';
    assert.equal(invoice.billing?.address, '1 Loop Road');
  });

  it('refuses fractions of a cent', () => {
    assert.throws(() => buildInvoice([charge(10.5)], NO_BILLING_DETAILS, 0), /whole number/);
  });
});
