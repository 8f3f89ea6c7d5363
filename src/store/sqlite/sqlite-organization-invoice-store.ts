// The SQLite OrganizationInvoiceStore: invoices issued once per organization and month, numbered
// inside the issuing transaction, never changed afterwards; and the seat stints they bill.
import type Database from 'better-sqlite3';
import type { Seat } from '../../engine/organization';
import {
  organizationInvoiceNumber,
  type NewOrganizationInvoice,
  type OrganizationInvoiceLineRecord,
  type OrganizationInvoiceRecord,
  type OrganizationInvoiceStore,
  type Timestamp,
} from '../store';
import { toSeat } from './organization-rows';

interface InvoiceRow {
  id: string;
  organization_id: string;
  month: string;
  month_seq: number;
  number: string;
  organization_name: string;
  time_zone: string;
  period_start: string;
  period_end: string;
  status: 'issued';
  total_cents: number;
  lines: string;
  issued_at: string;
}

export class SqliteOrganizationInvoiceStore implements OrganizationInvoiceStore {
  constructor(private readonly db: Database.Database) {}

  async issueOrganizationInvoice(invoice: NewOrganizationInvoice): Promise<OrganizationInvoiceRecord | null> {
    const sum = invoice.lines.reduce((total, line) => total + line.amountCents, 0);
    if (sum !== invoice.totalCents)
      throw new Error(`organization invoice ${invoice.id}: total ${invoice.totalCents} is not the sum of its lines (${sum})`);
    // IMMEDIATE: the check, the month's next number and the insert happen under one write lock, so
    // two issuers (two processes on one file) cannot both issue the month or share a number.
    return this.db
      .transaction((): OrganizationInvoiceRecord | null => {
        const issued = this.db
          .prepare('SELECT 1 FROM organization_invoices WHERE organization_id = ? AND month = ?')
          .get(invoice.organizationId, invoice.month);
        if (issued) return null;
        const { next } = this.db
          .prepare('SELECT COALESCE(MAX(month_seq), 0) + 1 AS next FROM organization_invoices WHERE month = ?')
          .get(invoice.month) as { next: number };
        const number = organizationInvoiceNumber(invoice.month, next);
        this.db
          .prepare(
            `INSERT INTO organization_invoices (id, organization_id, month, month_seq, number, organization_name, time_zone, period_start, period_end,
                                            status, total_cents, lines, issued_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'issued', ?, ?, ?)`,
          )
          .run(
            invoice.id,
            invoice.organizationId,
            invoice.month,
            next,
            number,
            invoice.organizationName,
            invoice.timeZone,
            invoice.periodStart,
            invoice.periodEnd,
            invoice.totalCents,
            JSON.stringify(invoice.lines),
            invoice.issuedAt,
          );
        return { ...invoice, number, status: 'issued' };
      })
      .immediate();
  }

  async listOrganizationInvoices(organizationId: string): Promise<OrganizationInvoiceRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM organization_invoices WHERE organization_id = ? ORDER BY month DESC')
      .all(organizationId) as InvoiceRow[];
    return rows.map(toInvoice);
  }

  async findOrganizationInvoice(organizationId: string, id: string): Promise<OrganizationInvoiceRecord | undefined> {
    const row = this.db
      .prepare('SELECT * FROM organization_invoices WHERE organization_id = ? AND id = ?')
      .get(organizationId, id) as InvoiceRow | undefined;
    return row && toInvoice(row);
  }

  async listOrganizationSeatStints(organizationId: string, since: Timestamp): Promise<Seat[]> {
    const rows = this.db
      .prepare('SELECT seat FROM organization_seat_stints WHERE organization_id = ? AND ended_at >= ? ORDER BY seq')
      .all(organizationId, since) as {
      seat: string;
    }[];
    return rows.map((row) => toSeat(row.seat));
  }
}

function toInvoice(row: InvoiceRow): OrganizationInvoiceRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    month: row.month,
    number: row.number,
    organizationName: row.organization_name,
    timeZone: row.time_zone,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    status: row.status,
    totalCents: row.total_cents,
    lines: JSON.parse(row.lines) as OrganizationInvoiceLineRecord[],
    issuedAt: row.issued_at,
  };
}
