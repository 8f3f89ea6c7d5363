// The SQLite SalesInquiryStore: Contact Sales inquiries, kept in the order they arrived.
import type Database from 'better-sqlite3';
import type { SalesInquiryRecord, SalesInquiryStore } from '../store';

export interface SalesInquiryRow {
  id: string;
  plan_id: string | null;
  name: string;
  email: string;
  company: string;
  seats: number;
  message: string;
  created_at: string;
}

export const toSalesInquiry = (row: SalesInquiryRow): SalesInquiryRecord => ({
  id: row.id,
  planId: row.plan_id,
  name: row.name,
  email: row.email,
  company: row.company,
  seats: row.seats,
  message: row.message,
  createdAt: row.created_at,
});

export class SqliteSalesInquiryStore implements SalesInquiryStore {
  constructor(private readonly db: Database.Database) {}

  async createSalesInquiry(inquiry: SalesInquiryRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO sales_inquiries (id, plan_id, name, email, company, seats, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        inquiry.id,
        inquiry.planId,
        inquiry.name,
        inquiry.email,
        inquiry.company,
        inquiry.seats,
        inquiry.message,
        inquiry.createdAt,
      );
  }

  async listSalesInquiries(): Promise<SalesInquiryRecord[]> {
    const rows = this.db.prepare('SELECT * FROM sales_inquiries ORDER BY created_at, rowid').all() as SalesInquiryRow[];
    return rows.map(toSalesInquiry);
  }
}
