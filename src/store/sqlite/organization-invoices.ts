// The SQLite side of organization invoices (migration 0012): issued once per organization and
// month, numbered inside the issuing transaction, never changed afterwards.
import type Database from 'better-sqlite3';
import type { Seat } from '../../engine/organization';
import {
  organizationInvoiceNumber,
  type NewOrganizationInvoice,
  type OrganizationInvoiceLineRecord,
  type OrganizationInvoiceRecord,
  type OrganizationRecord,
  type Timestamp,
} from '../store';
import { findOrganization, toSeat } from './organizations';

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

export function listOrganizations(db: Database.Database): OrganizationRecord[] {
  const ids = db.prepare('SELECT id FROM organizations ORDER BY created_at, id').all() as { id: string }[];
  return ids
    .map((row) => findOrganization(db, row.id))
    .filter((organization): organization is OrganizationRecord => organization !== undefined);
}

export function issueInvoice(db: Database.Database, invoice: NewOrganizationInvoice): OrganizationInvoiceRecord | null {
  const sum = invoice.lines.reduce((total, line) => total + line.amountCents, 0);
  if (sum !== invoice.totalCents)
    throw new Error(`organization invoice ${invoice.id}: total ${invoice.totalCents} is not the sum of its lines (${sum})`);
  // IMMEDIATE: the check, the month's next number and the insert happen under one write lock, so
  // two issuers (two processes on one file) cannot both issue the month or share a number.
  return db
    .transaction((): OrganizationInvoiceRecord | null => {
      const issued = db
        .prepare('SELECT 1 FROM organization_invoices WHERE organization_id = ? AND month = ?')
        .get(invoice.organizationId, invoice.month);
      if (issued) return null;
      const { next } = db
        .prepare('SELECT COALESCE(MAX(month_seq), 0) + 1 AS next FROM organization_invoices WHERE month = ?')
        .get(invoice.month) as { next: number };
      const number = organizationInvoiceNumber(invoice.month, next);
      db.prepare(
        `INSERT INTO organization_invoices (id, organization_id, month, month_seq, number, organization_name, time_zone, period_start, period_end,
                                          status, total_cents, lines, issued_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'issued', ?, ?, ?)`,
      ).run(
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

export function listInvoices(db: Database.Database, organizationId: string): OrganizationInvoiceRecord[] {
  const rows = db
    .prepare('SELECT * FROM organization_invoices WHERE organization_id = ? ORDER BY month DESC')
    .all(organizationId) as InvoiceRow[];
  return rows.map(toInvoice);
}

export function findInvoice(db: Database.Database, organizationId: string, id: string): OrganizationInvoiceRecord | undefined {
  const row = db.prepare('SELECT * FROM organization_invoices WHERE organization_id = ? AND id = ?').get(organizationId, id) as
    InvoiceRow | undefined;
  return row && toInvoice(row);
}

export function listSeatStints(db: Database.Database, organizationId: string, since: Timestamp): Seat[] {
  const rows = db
    .prepare('SELECT seat FROM organization_seat_stints WHERE organization_id = ? AND ended_at >= ? ORDER BY seq')
    .all(organizationId, since) as {
    seat: string;
  }[];
  return rows.map((row) => toSeat(row.seat));
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
