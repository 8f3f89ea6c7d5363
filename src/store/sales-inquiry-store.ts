// Contact Sales: the inquiries people send about a plan sold by the sales team.
import type { Timestamp } from './timestamp';

export interface SalesInquiryRecord {
  id: string;
  /** The plan the person asked about (Enterprise), when the link named a known one. */
  planId: string | null;
  name: string;
  email: string;
  company: string;
  seats: number;
  message: string;
  createdAt: Timestamp;
}

export interface SalesInquiryStore {
  createSalesInquiry(inquiry: SalesInquiryRecord): Promise<void>;
  /** Oldest first. */
  listSalesInquiries(): Promise<SalesInquiryRecord[]>;
}
