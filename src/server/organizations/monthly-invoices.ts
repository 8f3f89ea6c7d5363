// The organization's monthly invoice (product.md "Organizations", Organization billing): computed
// by the engine (organizationInvoice) from the seats and each member's overage, issued once per
// calendar month of the organization's zone after the month has ended, and shown as a draft while
// the month runs.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Period } from '../../engine/calendar';
import { activeInMonth, oneStintPerDay, organizationInvoice } from '../../engine/organization-invoice';
import { organizationMonth, type Seat } from '../../engine/organization';
import type { OrganizationInvoiceLineRecord, OrganizationInvoiceRecord, OrganizationRecord } from '../../store/store';
import type { ServerContext } from '../platform/server-context';
import { memberUsage } from './member-usage';

export interface ComputedOrganizationInvoice {
  /** 'YYYY-MM' in the organization's zone. */
  month: string;
  period: Period;
  lines: OrganizationInvoiceLineRecord[];
  totalCents: number;
}

/** The month's key as the API and the invoice number spell it: 'YYYY-MM' on the organization's calendar. */
export function monthKey(timeZone: string, month: Period): string {
  return DateTime.fromJSDate(month.start, { zone: timeZone }).toFormat('yyyy-MM');
}

/**
 * The organization's invoice for `month` as of `until`: the seats' plan lines (the engine prorates
 * by local day) and, per seat, the overage its member used while the seat was active, up to `until`.
 * Seats replaced by a new subscription after a cancellation bill their own days too.
 */
export async function computeOrganizationInvoice(
  context: ServerContext,
  organization: OrganizationRecord,
  month: Period,
  until: Date,
): Promise<ComputedOrganizationInvoice> {
  const snapshot = await context.store.loadOrganizationSnapshot(organization.id);
  const stints = await context.store.listOrganizationSeatStints(organization.id, month.start.toISOString());
  const { timeZone } = organization;
  // A member's stints (the current seat and those it replaced), trimmed so no day is billed twice.
  const byMember = new Map<string, Seat[]>();
  for (const seat of [
    ...(snapshot?.seats.values() ?? []),
    ...stints.filter((stint) => stint.activatedAt !== null && stint.activatedAt < month.end),
  ]) {
    byMember.set(seat.userId, [...(byMember.get(seat.userId) ?? []), seat]);
  }
  // The engine bills one seat per member per call: each further stint of a member goes in a later layer.
  const layers: Seat[][] = [];
  for (const memberStints of byMember.values()) {
    oneStintPerDay(timeZone, memberStints).forEach((stint, index) => (layers[index] ??= []).push(stint));
  }

  const lines: Omit<OrganizationInvoiceLineRecord, 'email'>[] = [];
  for (const seats of layers) {
    // Overage only on seats the month charges (the engine refuses overage on a seat it does not bill).
    const billed = organizationInvoice(context.catalog, timeZone, month, seats);
    const charged = new Set(billed.lines.map((line) => line.userId));
    const overage = new Map<string, number>();
    for (const seat of seats) {
      if (!charged.has(seat.userId)) continue;
      const cents = await activeOverageCents(context, seat, month, until);
      if (cents > 0) overage.set(seat.userId, cents);
    }
    lines.push(...organizationInvoice(context.catalog, timeZone, month, seats, overage).lines);
  }

  const emails = await emailsOf(context, organization.id, [...new Set(lines.map((line) => line.userId))]);
  const withEmails = lines.map((line, order) => ({ line: { ...line, email: emails.get(line.userId) ?? line.userId }, order }));
  // One member's lines together, members by email; a member's lines keep the engine's order.
  withEmails.sort((a, b) => a.line.email.localeCompare(b.line.email) || a.order - b.order);
  const ordered = withEmails.map(({ line }) => line);
  return {
    month: monthKey(timeZone, month),
    period: month,
    lines: ordered,
    totalCents: ordered.reduce((sum, line) => sum + line.amountCents, 0),
  };
}

/** The month so far (not issued): the current month's invoice with the overage used until `now`. */
export async function draftOrganizationInvoice(
  context: ServerContext,
  organization: OrganizationRecord,
  now: Date,
): Promise<ComputedOrganizationInvoice> {
  return computeOrganizationInvoice(context, organization, organizationMonth(organization.timeZone, now), now);
}

/**
 * Issues every invoice that is due: for each organization, each calendar month of its zone since
 * the month it was created that has ended by `now` and has no invoice yet. Idempotent: the store
 * issues a month once, so a second run (or a second process) issues nothing more. Returns the
 * invoices this run issued.
 */
export async function issueOrganizationInvoices(context: ServerContext, now: Date): Promise<OrganizationInvoiceRecord[]> {
  const issued: OrganizationInvoiceRecord[] = [];
  const failures: unknown[] = [];
  for (const organization of await context.store.listOrganizations()) {
    // An organization on a test clock issues its invoices when its clock is advanced, not on the real one.
    if (organization.testClockAt !== null) continue;
    try {
      issued.push(...(await issueDueMonths(context, organization, now)));
    } catch (error) {
      // One organization's failure does not hold back the others' invoices.
      failures.push(error);
    }
  }
  if (failures.length > 0)
    throw new AggregateError(failures, `Issuing organization invoices failed for ${failures.length} organization(s).`);
  return issued;
}

/**
 * The invoices of one organization due by `now` (its test clock's advance passes its own instant);
 * idempotent like issueOrganizationInvoices. Returns the invoices this run issued.
 */
export async function issueDueMonths(
  context: ServerContext,
  organization: OrganizationRecord,
  now: Date,
): Promise<OrganizationInvoiceRecord[]> {
  const { timeZone } = organization;
  const done = new Set((await context.store.listOrganizationInvoices(organization.id)).map((invoice) => invoice.month));
  const issued: OrganizationInvoiceRecord[] = [];
  // A month in which no seat was active issues no invoice (not one for $0.00). Such months are
  // told apart from the seats, read once per run, so an idle organization costs no more each month.
  const first = organizationMonth(timeZone, new Date(organization.createdAt));
  const seats = [
    ...((await context.store.loadOrganizationSnapshot(organization.id))?.seats.values() ?? []),
    ...(await context.store.listOrganizationSeatStints(organization.id, first.start.toISOString())),
  ];
  for (let month = first; month.end <= now; month = organizationMonth(timeZone, month.end)) {
    if (done.has(monthKey(timeZone, month)) || !seats.some((seat) => activeInMonth(seat, month))) continue;
    const invoice = await computeOrganizationInvoice(context, organization, month, month.end);
    if (invoice.lines.length === 0) continue;
    const record = await context.store.issueOrganizationInvoice({
      id: `oinv_${randomUUID()}`,
      organizationId: organization.id,
      month: invoice.month,
      organizationName: organization.name,
      timeZone,
      periodStart: month.start.toISOString(),
      periodEnd: month.end.toISOString(),
      lines: invoice.lines,
      totalCents: invoice.totalCents,
      issuedAt: now.toISOString(),
    });
    if (record) issued.push(record);
  }
  return issued;
}

/** The overage the member used in the month while this seat was active (until `until`), in cents. */
async function activeOverageCents(context: ServerContext, seat: Seat, month: Period, until: Date): Promise<number> {
  if (seat.activatedAt === null) return 0;
  const start = new Date(Math.max(month.start.getTime(), seat.activatedAt.getTime()));
  const end = new Date(Math.min(month.end.getTime(), seat.canceledAt?.getTime() ?? Infinity));
  if (end <= start) return 0;
  const usage = (await memberUsage(context, [seat.userId], { start, end }, until)).get(seat.userId);
  // Credits given back can outweigh the window's overage; the organization never gets a negative line.
  return Math.max(0, usage?.overageCents ?? 0);
}

async function emailsOf(context: ServerContext, organizationId: string, accountIds: string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const found = await context.store.listOrganizationUsers(organizationId, {
    search: '',
    offset: 0,
    limit: accountIds.length,
    accountIds,
  });
  const emails = new Map(found.users.map((user) => [user.accountId, user.email]));
  for (const id of accountIds) {
    if (emails.has(id)) continue;
    const account = await context.store.findAccountById(id);
    if (account) emails.set(id, account.email);
  }
  return emails;
}
