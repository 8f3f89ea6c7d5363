// The one formatter for credits, money, dates, invoice months and statuses, shared by the status
// item, the webview and the server's pages, so that two views never disagree.
import type { AccountState, SubscriptionStatus } from './api';

const wholeCredits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Hundredths of a credit → "1,000" or "12.34" (two decimals only when there is a fraction). */
export function formatCredits(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  const whole = wholeCredits.format(Math.trunc(abs / 100));
  const fraction = abs % 100;
  return fraction === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(fraction).padStart(2, '0')}`;
}

/** Cents → "$20.00" (USD is the only currency Tally charges in). */
export function formatMoney(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}$${wholeCredits.format(Math.trunc(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

export function formatStatus(status: SubscriptionStatus): string {
  switch (status) {
    case 'active':
      return 'Active';
    case 'pending':
      return 'Pending';
    case 'past_due':
      return 'Past due';
    case 'canceled':
      return 'Canceled';
  }
}

/** The status item's compact text, e.g. "Pro · 412/1,000". */
export function formatPlanSummary(planName: string, remaining: number, limit: number): string {
  return `${planName} · ${formatCredits(remaining)}/${formatCredits(limit)}`;
}

// Dates are read in the zone of whoever they belong to (the account's billing calendar, the
// organization's): a period that ends at local midnight in Tokyo ends on the 1st, not on the 30th
// as UTC says. The zone is a required argument so that no caller falls back to the machine's zone
// or to UTC without saying so. Intl rather than luxon: this module is bundled into the webview.
const DATE_FIELDS = { year: 'numeric', month: 'short', day: 'numeric' } as const;
const STYLES = {
  date: DATE_FIELDS,
  // h23: midnight is "00:05", never "24:05".
  dateTime: { ...DATE_FIELDS, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  isoDay: { year: 'numeric', month: '2-digit', day: '2-digit' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
type Style = keyof typeof STYLES;

// Building an Intl.DateTimeFormat is far slower than using one, and a page prints many dates.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The instant's fields in `timeZone`, by name; assembled by hand so the punctuation never depends on the ICU version. */
function partsOf(iso: string, timeZone: string, style: Style): Record<string, string> {
  const key = `${style} ${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { ...STYLES[style], timeZone });
    formatters.set(key, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(new Date(iso))) parts[part.type] = part.value;
  return parts;
}

/** The zone to read an account's dates in: its billing calendar's; UTC from a server older than the field, as that server's dates always read. */
export function accountTimeZone(state: Pick<AccountState, 'subscription'>): string {
  return state.subscription.timeZone ?? 'UTC';
}

/** An instant as its local date in `timeZone` (an IANA name), e.g. "Dec 1, 2026". */
export function formatDate(iso: string, timeZone: string): string {
  const { month, day, year } = partsOf(iso, timeZone, 'date');
  return `${month} ${day}, ${year}`;
}

/** An instant as its local date and time in `timeZone`, e.g. "Nov 16, 2026, 19:05". */
export function formatDateTime(iso: string, timeZone: string): string {
  const { month, day, year, hour, minute } = partsOf(iso, timeZone, 'dateTime');
  return `${month} ${day}, ${year}, ${hour}:${minute}`;
}

/** An instant as its local calendar day in `timeZone`, "2026-12-01" (for tables and links). */
export function localDay(iso: string, timeZone: string): string {
  const { year, month, day } = partsOf(iso, timeZone, 'isoDay');
  return `${year}-${month}-${day}`;
}

/** A calendar day that is already local ("2026-12-01", no instant, so no zone) as "Dec 1, 2026". */
export function formatDay(day: string): string {
  // Read in UTC, the day's instant at noon UTC is that day and no other.
  return formatDate(`${day}T12:00:00Z`, 'UTC');
}

/** "November 2026": the month an invoice covers, as people say it. */
export function monthLabel(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** "Dec 1, 2026": the local day a month's invoice is issued (the 1st of the next month, in any zone). */
export function issueDayLabel(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, number, 1)).toLocaleDateString('en-US', {
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** Why an organization member cannot change their own plan, and whom to ask: "… Acme. Ask your admin, ana@acme.com, …". */
export function formatManagedPlan(organization: { name: string; adminEmail: string | null } | null | undefined): string {
  if (!organization) return "Your plan is managed by your organization's admin. Ask them to change it.";
  const ask = organization.adminEmail
    ? `Ask your admin, ${organization.adminEmail}, to change it.`
    : "Ask your organization's admin to change it.";
  return `Your plan is managed by ${organization.name}. ${ask}`;
}
