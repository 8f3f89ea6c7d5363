import assert from 'node:assert/strict';
import { formatCredits, formatManagedPlan, formatMoney, formatPlanSummary } from '../../../src/protocol/format';

describe('protocol/format', () => {
  it('formats credits from hundredths, decimals only when needed', () => {
    assert.equal(formatCredits(100000), '1,000');
    assert.equal(formatCredits(41250), '412.50');
    assert.equal(formatCredits(7), '0.07');
    assert.equal(formatCredits(-130), '-1.30');
  });

  it('formats money from cents', () => {
    assert.equal(formatMoney(2000), '$20.00');
    assert.equal(formatMoney(123456), '$1,234.56');
    assert.equal(formatMoney(-5), '-$0.05');
  });

  it('gives the status item its compact summary', () => {
    assert.equal(formatPlanSummary('Free', 5000, 5000), 'Free · 50/50');
    assert.equal(formatPlanSummary('Pro', 41200, 100000), 'Pro · 412/1,000');
  });

  it('names the organization and its admin when a member cannot change their plan', () => {
    assert.equal(formatManagedPlan({ name: 'Acme', adminEmail: 'ana@acme.example' }), 'Your plan is managed by Acme. Ask your admin, ana@acme.example, to change it.');
    assert.equal(formatManagedPlan({ name: 'Acme', adminEmail: null }), "Your plan is managed by Acme. Ask your organization's admin to change it.");
    assert.equal(formatManagedPlan(null), "Your plan is managed by your organization's admin. Ask them to change it.");
  });
});
