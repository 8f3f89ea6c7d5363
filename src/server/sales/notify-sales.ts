// Tells the sales team about a Contact Sales inquiry. The one call site is the Contact Sales route,
// right after the inquiry is stored; the inquiry is already safe in the store whatever happens here.
import type { SalesInquiryRecord } from '../../store/store';
import type { ServerContext } from '../context';

// wired to the mailer by the lead: for now this deliberately does nothing (the mailer is being
// built in another slice); the inquiry is recorded in sales_inquiries either way.
export async function notifySales(_context: ServerContext, _inquiry: SalesInquiryRecord): Promise<void> {}
