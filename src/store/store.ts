// The one persistence interface the server talks to. The embedded default is SQLite; a PostgreSQL
// implementation can follow, which is why every method is asynchronous even though better-sqlite3
// is not. Methods are whole units of work: anything that moves money or changes a plan is a single
// method that runs as one transaction with a conditional update, so a retried or doubled request
// cannot apply twice. The store records; it never reads the clock (callers pass `now`).
import type { AccountStore } from './account-store';
import type { SignInStore } from './sign-in-store';
import type { PortalSessionStore } from './portal-session-store';
import type { BillingStore } from './billing-store';
import type { CheckoutStore } from './checkout-store';
import type { PaymentMethodStore } from './payment-method-store';
import type { LeaseStore } from './lease-store';
import type { OutboxStore } from './outbox-store';
import type { SalesInquiryStore } from './sales-inquiry-store';
import type { OrganizationStore } from './organization-store';
import type { OrganizationApiTokenStore } from './organization-api-token-store';
import type { OrganizationInvoiceStore } from './organization-invoice-store';

export * from './timestamp';
export * from './account-store';
export * from './sign-in-store';
export * from './portal-session-store';
export * from './billing-store';
export * from './checkout-store';
export * from './payment-method-store';
export * from './lease-store';
export * from './outbox-store';
export * from './sales-inquiry-store';
export * from './organization-store';
export * from './organization-api-token-store';
export * from './organization-invoice-store';

/** Every aggregate's store together; the server holds one of these. */
export interface Store
  extends
    AccountStore,
    SignInStore,
    PortalSessionStore,
    BillingStore,
    CheckoutStore,
    PaymentMethodStore,
    LeaseStore,
    OutboxStore,
    SalesInquiryStore,
    OrganizationStore,
    OrganizationApiTokenStore,
    OrganizationInvoiceStore {
  close(): Promise<void>;
}
