// The README's table of plan-change rules is computed here: each row runs through the engine, and
// the test fails when the README shows anything other than what the engine does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openAccount, type BillingState } from '../../../src/engine/billing-state';
import type { Catalog } from '../../../src/engine/catalog';
import { NO_BILLING_DETAILS } from '../../../src/engine/invoice';
import { applyChange, previewChange, type ChangePreview } from '../../../src/engine/plan-change';
import { renew } from '../../../src/engine/renewal';
import { formatMoney } from '../../../src/protocol/format';
import { catalogWith, defaultCatalog, stripeExampleCatalog } from './catalogs';

const context = { billing: NO_BILLING_DETAILS, allowanceRemaining: 0 };

/** `allowanceRemaining`: what is left unspent of the period's allowance (an immediate downgrade bills on it). */
function step(
  catalog: Catalog,
  state: BillingState,
  planId: string,
  at: string,
  allowanceRemaining = 0,
): { preview: ChangePreview; state: BillingState } {
  const preview = previewChange(catalog, state, planId, new Date(at), { ...context, allowanceRemaining });
  return { preview, state: applyChange(catalog, state, preview, new Date(at)) };
}

const charged = (preview: ChangePreview) => formatMoney(preview.invoice?.totalCents ?? 0);
const money = (preview: ChangePreview, line: number) => formatMoney(preview.invoice?.lines[line]?.amountCents ?? 0);
const noUsage = { overageUsed: 0, overageCents: 0 };

function rows(): string[][] {
  const november = openAccount(defaultCatalog, new Date('2026-11-01T09:00:00Z'));
  const pro = step(defaultCatalog, november, 'pro', '2026-11-16T10:00:00Z');
  const proPlus = step(defaultCatalog, pro.state, 'pro-plus', '2026-11-24T10:00:00Z');
  const december = renew(defaultCatalog, pro.state, noUsage, NO_BILLING_DETAILS).state;
  const monthTwo = step(defaultCatalog, december, 'pro-plus', '2026-12-10T10:00:00Z');

  const stripeOpened = openAccount(stripeExampleCatalog, new Date('2026-11-01T00:00:00Z'));
  const basic = step(stripeExampleCatalog, stripeOpened, 'basic', '2026-11-01T00:00:00Z');
  const halfway = step(stripeExampleCatalog, basic.state, 'premium', '2026-11-16T00:00:00Z');

  const plus = step(defaultCatalog, november, 'pro-plus', '2026-11-01T09:00:00Z');
  const downgrade = step(defaultCatalog, plus.state, 'pro', '2026-11-16T10:00:00Z');
  const cancel = step(defaultCatalog, pro.state, 'free', '2026-11-20T10:00:00Z');

  const konnect = catalogWith({ downgrade: 'immediate-prorated' });
  const konnectPlus = step(konnect, openAccount(konnect, new Date('2026-11-01T00:00:00Z')), 'pro-plus', '2026-11-01T00:00:00Z');
  const immediate = step(konnect, konnectPlus.state, 'pro', '2026-11-16T00:00:00Z', konnectPlus.state.allowanceThisPeriod);
  const konnectPower = step(konnect, openAccount(konnect, new Date('2026-11-01T00:00:00Z')), 'power', '2026-11-01T00:00:00Z');
  const usedUp = step(konnect, konnectPower.state, 'pro', '2026-11-01T18:00:00Z', 100_000);

  const anniversary = catalogWith({ anchor: 'anniversary' });
  const firstPaidJan31 = step(
    anniversary,
    openAccount(anniversary, new Date('2026-01-10T00:00:00Z')),
    'pro',
    '2026-01-31T15:00:00Z',
  );
  let jan31 = firstPaidJan31.state;
  const starts = [jan31.period.start];
  for (let i = 0; i < 3; i++) {
    jan31 = renew(anniversary, jan31, noUsage, NO_BILLING_DETAILS).state;
    starts.push(jan31.period.start);
  }
  const day = (d: Date) => d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

  const leap = step(defaultCatalog, openAccount(defaultCatalog, new Date('2028-02-01T00:00:00Z')), 'pro', '2028-02-15T12:00:00Z');
  const newYork = step(
    defaultCatalog,
    openAccount(defaultCatalog, new Date('2026-11-01T12:00:00Z'), 'America/New_York'),
    'pro',
    '2026-11-16T04:30:00Z',
  );

  return [
    ['First paid month', 'Free → Pro with 15 of 30 days left', charged(pro.preview)],
    [
      'Upgrade again in the first paid month',
      'Pro → Pro+ later that month: $20.00 for Pro+ back to the first paid day, less $10.00 paid',
      charged(proPlus.preview),
    ],
    [
      'Upgrade from the second month on',
      'Pro → Pro+ in December: the full difference, $40.00 − $20.00',
      charged(monthTwo.preview),
    ],
    [
      'Time-based proration (catalog `proration: time-based`)',
      '$10 → $20 plan halfway through the month',
      charged(halfway.preview),
    ],
    ['Downgrade', `Pro+ → Pro: nothing now, Pro from ${day(downgrade.preview.effectiveAt)}`, charged(downgrade.preview)],
    [
      'Immediate downgrade (catalog `downgrade: immediate-prorated`)',
      'Pro+ → Pro halfway, no credits used: unused Pro+ time credited to the next invoice, Pro charged for it',
      charged(immediate.preview),
    ],
    [
      'Immediate downgrade after using credits',
      `Power → Pro the day Power was bought, 9,000 of its 10,000 credits used: only the unused 10% of Power is credited (${money(usedUp.preview, 0)}), and Pro charged for the same 10% (${money(usedUp.preview, 1)})`,
      charged(usedUp.preview),
    ],
    ['Cancel', `Pro → Free: nothing now, Free from ${day(cancel.preview.effectiveAt)}`, charged(cancel.preview)],
    [
      'Anniversary periods (catalog `anchor: anniversary`)',
      `first paid on Jan 31: periods start ${starts.map(day).join(' → ')}`,
      charged(firstPaidJan31.preview),
    ],
    ['Leap year', 'Free → Pro with 15 of 29 days of February 2028 left', charged(leap.preview)],
    [
      'Across a DST change',
      'New York, November 2026 (30 local days, 721 hours): Free → Pro with 16 days left',
      charged(newYork.preview),
    ],
  ];
}

describe('README: the plan-change table', () => {
  it('shows exactly what the engine computes', () => {
    const readme = readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
    const table = [
      '| rule | example | charged now |',
      '|---|---|---|',
      ...rows().map((cells) => `| ${cells.join(' | ')} |`),
    ].join('\n');
    assert.ok(readme.includes(table), `README.md must contain this table (regenerate it from the test):\n${table}`);
  });
});
