// The embedded Store: one SQLite file in the data directory, opened and migrated here, and served by
// one object per aggregate that all share the database handle. Writes that must not happen twice
// use IMMEDIATE transactions (the write lock is taken before the first read, so a read-then-write
// cannot interleave with another writer) and conditional updates whose row counts are checked.
import type Database from 'better-sqlite3';
import { migrations } from '../migrations';
import type { Store } from '../store';
import { migrate, type MigrationReport } from './migrate';
import { openDatabase } from './open';
import { SqliteAccountStore } from './sqlite-account-store';
import { SqliteBillingStore } from './sqlite-billing-store';
import { SqliteCheckoutStore } from './sqlite-checkout-store';
import { SqliteLeaseStore } from './sqlite-lease-store';
import { SqliteOrganizationApiTokenStore } from './sqlite-organization-api-token-store';
import { SqliteOrganizationInvoiceStore } from './sqlite-organization-invoice-store';
import { SqliteOrganizationStore } from './sqlite-organization-store';
import { SqliteOutboxStore } from './sqlite-outbox-store';
import { SqlitePaymentMethodStore } from './sqlite-payment-method-store';
import { SqlitePortalSessionStore } from './sqlite-portal-session-store';
import { SqliteSalesInquiryStore } from './sqlite-sales-inquiry-store';
import { SqliteSignInStore } from './sqlite-sign-in-store';

export interface SqliteStoreOptions {
  dataDir: string;
  clock: () => Date;
}

/** Each Store method hands its call to the aggregate that owns it; nothing else happens here. */
export class SqliteStore implements Store {
  readonly migrations: MigrationReport;
  private readonly accounts: SqliteAccountStore;
  private readonly signIn: SqliteSignInStore;
  private readonly portalSessions: SqlitePortalSessionStore;
  private readonly billing: SqliteBillingStore;
  private readonly checkout: SqliteCheckoutStore;
  private readonly paymentMethods: SqlitePaymentMethodStore;
  private readonly leases: SqliteLeaseStore;
  private readonly outbox: SqliteOutboxStore;
  private readonly salesInquiries: SqliteSalesInquiryStore;
  private readonly organizations: SqliteOrganizationStore;
  private readonly organizationApiTokens: SqliteOrganizationApiTokenStore;
  private readonly organizationInvoices: SqliteOrganizationInvoiceStore;

  private constructor(
    private readonly db: Database.Database,
    clock: () => Date,
  ) {
    this.migrations = migrate(db, migrations, () => clock().toISOString());
    this.accounts = new SqliteAccountStore(db);
    this.signIn = new SqliteSignInStore(db);
    this.portalSessions = new SqlitePortalSessionStore(db);
    this.billing = new SqliteBillingStore(db);
    this.checkout = new SqliteCheckoutStore(db);
    this.paymentMethods = new SqlitePaymentMethodStore(db);
    this.leases = new SqliteLeaseStore(db);
    this.outbox = new SqliteOutboxStore(db);
    this.salesInquiries = new SqliteSalesInquiryStore(db);
    this.organizations = new SqliteOrganizationStore(db);
    this.organizationApiTokens = new SqliteOrganizationApiTokenStore(db);
    this.organizationInvoices = new SqliteOrganizationInvoiceStore(db);
  }

  static open(options: SqliteStoreOptions): SqliteStore {
    const db = openDatabase(options.dataDir);
    try {
      return new SqliteStore(db, options.clock);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Reads a pragma, for operators and tests (e.g. `journal_mode`). */
  pragma(name: string): unknown {
    return this.db.pragma(name, { simple: true });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  createAccount: Store['createAccount'] = (...args) => this.accounts.createAccount(...args);
  findAccountById: Store['findAccountById'] = (...args) => this.accounts.findAccountById(...args);
  findAccountByEmail: Store['findAccountByEmail'] = (...args) => this.accounts.findAccountByEmail(...args);

  createAuthorizationRequest: Store['createAuthorizationRequest'] = (...args) => this.signIn.createAuthorizationRequest(...args);
  findAuthorizationRequest: Store['findAuthorizationRequest'] = (...args) => this.signIn.findAuthorizationRequest(...args);
  createAuthCode: Store['createAuthCode'] = (...args) => this.signIn.createAuthCode(...args);
  findAuthCode: Store['findAuthCode'] = (...args) => this.signIn.findAuthCode(...args);
  redeemAuthCode: Store['redeemAuthCode'] = (...args) => this.signIn.redeemAuthCode(...args);
  recordWrongCodeVerifier: Store['recordWrongCodeVerifier'] = (...args) => this.signIn.recordWrongCodeVerifier(...args);
  checkAccessToken: Store['checkAccessToken'] = (...args) => this.signIn.checkAccessToken(...args);
  findRefreshToken: Store['findRefreshToken'] = (...args) => this.signIn.findRefreshToken(...args);
  rotateRefreshToken: Store['rotateRefreshToken'] = (...args) => this.signIn.rotateRefreshToken(...args);
  findEditorSessionByToken: Store['findEditorSessionByToken'] = (...args) => this.signIn.findEditorSessionByToken(...args);
  revokeEditorSession: Store['revokeEditorSession'] = (...args) => this.signIn.revokeEditorSession(...args);
  listEditorSessions: Store['listEditorSessions'] = (...args) => this.signIn.listEditorSessions(...args);

  createPortalSession: Store['createPortalSession'] = (...args) => this.portalSessions.createPortalSession(...args);
  findPortalSessionByTokenHash: Store['findPortalSessionByTokenHash'] = (...args) =>
    this.portalSessions.findPortalSessionByTokenHash(...args);
  redeemPortalLink: Store['redeemPortalLink'] = (...args) => this.portalSessions.redeemPortalLink(...args);
  findBrowserSession: Store['findBrowserSession'] = (...args) => this.portalSessions.findBrowserSession(...args);
  deleteBrowserSession: Store['deleteBrowserSession'] = (...args) => this.portalSessions.deleteBrowserSession(...args);

  findSubscription: Store['findSubscription'] = (...args) => this.billing.findSubscription(...args);
  listAccountsDueForRenewal: Store['listAccountsDueForRenewal'] = (...args) => this.billing.listAccountsDueForRenewal(...args);
  listPastDueAccounts: Store['listPastDueAccounts'] = (...args) => this.billing.listPastDueAccounts(...args);
  applyPlanChange: Store['applyPlanChange'] = (...args) => this.billing.applyPlanChange(...args);
  recordRenewal: Store['recordRenewal'] = (...args) => this.billing.recordRenewal(...args);
  recordPaymentAttempt: Store['recordPaymentAttempt'] = (...args) => this.billing.recordPaymentAttempt(...args);
  recordFailedPayment: Store['recordFailedPayment'] = (...args) => this.billing.recordFailedPayment(...args);
  recordMemberTakeover: Store['recordMemberTakeover'] = (...args) => this.billing.recordMemberTakeover(...args);
  moveTestClock: Store['moveTestClock'] = (...args) => this.billing.moveTestClock(...args);
  findInvoice: Store['findInvoice'] = (...args) => this.billing.findInvoice(...args);
  listInvoices: Store['listInvoices'] = (...args) => this.billing.listInvoices(...args);
  listPayments: Store['listPayments'] = (...args) => this.billing.listPayments(...args);
  findBillingDetails: Store['findBillingDetails'] = (...args) => this.billing.findBillingDetails(...args);
  saveBillingDetails: Store['saveBillingDetails'] = (...args) => this.billing.saveBillingDetails(...args);
  findIdempotencyRecord: Store['findIdempotencyRecord'] = (...args) => this.billing.findIdempotencyRecord(...args);

  createCheckoutSession: Store['createCheckoutSession'] = (...args) => this.checkout.createCheckoutSession(...args);
  findCheckoutSession: Store['findCheckoutSession'] = (...args) => this.checkout.findCheckoutSession(...args);
  findCheckoutSessionByTokenHash: Store['findCheckoutSessionByTokenHash'] = (...args) =>
    this.checkout.findCheckoutSessionByTokenHash(...args);
  rotateCheckoutToken: Store['rotateCheckoutToken'] = (...args) => this.checkout.rotateCheckoutToken(...args);
  completeCheckout: Store['completeCheckout'] = (...args) => this.checkout.completeCheckout(...args);

  findDefaultPaymentMethod: Store['findDefaultPaymentMethod'] = (...args) =>
    this.paymentMethods.findDefaultPaymentMethod(...args);
  listPaymentMethods: Store['listPaymentMethods'] = (...args) => this.paymentMethods.listPaymentMethods(...args);
  addPaymentMethod: Store['addPaymentMethod'] = (...args) => this.paymentMethods.addPaymentMethod(...args);
  updatePaymentMethodExpiry: Store['updatePaymentMethodExpiry'] = (...args) =>
    this.paymentMethods.updatePaymentMethodExpiry(...args);
  setDefaultPaymentMethod: Store['setDefaultPaymentMethod'] = (...args) => this.paymentMethods.setDefaultPaymentMethod(...args);
  removePaymentMethod: Store['removePaymentMethod'] = (...args) => this.paymentMethods.removePaymentMethod(...args);
  createPaymentAuthentication: Store['createPaymentAuthentication'] = (...args) =>
    this.paymentMethods.createPaymentAuthentication(...args);
  findPaymentAuthentication: Store['findPaymentAuthentication'] = (...args) =>
    this.paymentMethods.findPaymentAuthentication(...args);
  decidePaymentAuthentication: Store['decidePaymentAuthentication'] = (...args) =>
    this.paymentMethods.decidePaymentAuthentication(...args);
  consumePaymentAuthentication: Store['consumePaymentAuthentication'] = (...args) =>
    this.paymentMethods.consumePaymentAuthentication(...args);

  listLedgerEntries: Store['listLedgerEntries'] = (...args) => this.leases.listLedgerEntries(...args);
  appendLedgerEntries: Store['appendLedgerEntries'] = (...args) => this.leases.appendLedgerEntries(...args);
  findLease: Store['findLease'] = (...args) => this.leases.findLease(...args);
  findLeaseByRequestKey: Store['findLeaseByRequestKey'] = (...args) => this.leases.findLeaseByRequestKey(...args);
  listActiveLeases: Store['listActiveLeases'] = (...args) => this.leases.listActiveLeases(...args);
  findRecordedReports: Store['findRecordedReports'] = (...args) => this.leases.findRecordedReports(...args);
  listLeaseUsage: Store['listLeaseUsage'] = (...args) => this.leases.listLeaseUsage(...args);
  applyLeaseChange: Store['applyLeaseChange'] = (...args) => this.leases.applyLeaseChange(...args);
  listAccountsWithExpiredLeases: Store['listAccountsWithExpiredLeases'] = (...args) =>
    this.leases.listAccountsWithExpiredLeases(...args);
  findOverageSettings: Store['findOverageSettings'] = (...args) => this.leases.findOverageSettings(...args);
  saveOverageSettings: Store['saveOverageSettings'] = (...args) => this.leases.saveOverageSettings(...args);

  recordEmail: Store['recordEmail'] = (...args) => this.outbox.recordEmail(...args);
  listEmails: Store['listEmails'] = (...args) => this.outbox.listEmails(...args);
  findEmail: Store['findEmail'] = (...args) => this.outbox.findEmail(...args);
  listUndeliveredEmails: Store['listUndeliveredEmails'] = (...args) => this.outbox.listUndeliveredEmails(...args);
  claimEmailDelivery: Store['claimEmailDelivery'] = (...args) => this.outbox.claimEmailDelivery(...args);
  markEmailDelivered: Store['markEmailDelivered'] = (...args) => this.outbox.markEmailDelivered(...args);
  markEmailAttemptFailed: Store['markEmailAttemptFailed'] = (...args) => this.outbox.markEmailAttemptFailed(...args);

  createSalesInquiry: Store['createSalesInquiry'] = (...args) => this.salesInquiries.createSalesInquiry(...args);
  listSalesInquiries: Store['listSalesInquiries'] = (...args) => this.salesInquiries.listSalesInquiries(...args);

  createOrganization: Store['createOrganization'] = (...args) => this.organizations.createOrganization(...args);
  findOrganization: Store['findOrganization'] = (...args) => this.organizations.findOrganization(...args);
  listOrganizations: Store['listOrganizations'] = (...args) => this.organizations.listOrganizations(...args);
  findOrganizationMembership: Store['findOrganizationMembership'] = (...args) =>
    this.organizations.findOrganizationMembership(...args);
  findOrganizationContact: Store['findOrganizationContact'] = (...args) => this.organizations.findOrganizationContact(...args);
  loadOrganizationSnapshot: Store['loadOrganizationSnapshot'] = (...args) => this.organizations.loadOrganizationSnapshot(...args);
  applyOrganizationChange: Store['applyOrganizationChange'] = (...args) => this.organizations.applyOrganizationChange(...args);
  listOrganizationUsers: Store['listOrganizationUsers'] = (...args) => this.organizations.listOrganizationUsers(...args);
  listOrganizationAudit: Store['listOrganizationAudit'] = (...args) => this.organizations.listOrganizationAudit(...args);
  findMemberSeat: Store['findMemberSeat'] = (...args) => this.organizations.findMemberSeat(...args);
  listOrganizationOverageCaps: Store['listOrganizationOverageCaps'] = (...args) =>
    this.organizations.listOrganizationOverageCaps(...args);
  findOrganizationOverageSequence: Store['findOrganizationOverageSequence'] = (...args) =>
    this.organizations.findOrganizationOverageSequence(...args);
  sumOrganizationOverage: Store['sumOrganizationOverage'] = (...args) => this.organizations.sumOrganizationOverage(...args);
  moveOrganizationTestClock: Store['moveOrganizationTestClock'] = (...args) =>
    this.organizations.moveOrganizationTestClock(...args);

  createOrganizationApiToken: Store['createOrganizationApiToken'] = (...args) =>
    this.organizationApiTokens.createOrganizationApiToken(...args);
  listOrganizationApiTokens: Store['listOrganizationApiTokens'] = (...args) =>
    this.organizationApiTokens.listOrganizationApiTokens(...args);
  findOrganizationApiTokenByHash: Store['findOrganizationApiTokenByHash'] = (...args) =>
    this.organizationApiTokens.findOrganizationApiTokenByHash(...args);
  revokeOrganizationApiToken: Store['revokeOrganizationApiToken'] = (...args) =>
    this.organizationApiTokens.revokeOrganizationApiToken(...args);
  markOrganizationApiTokenUsed: Store['markOrganizationApiTokenUsed'] = (...args) =>
    this.organizationApiTokens.markOrganizationApiTokenUsed(...args);

  issueOrganizationInvoice: Store['issueOrganizationInvoice'] = (...args) =>
    this.organizationInvoices.issueOrganizationInvoice(...args);
  listOrganizationInvoices: Store['listOrganizationInvoices'] = (...args) =>
    this.organizationInvoices.listOrganizationInvoices(...args);
  findOrganizationInvoice: Store['findOrganizationInvoice'] = (...args) =>
    this.organizationInvoices.findOrganizationInvoice(...args);
  listOrganizationSeatStints: Store['listOrganizationSeatStints'] = (...args) =>
    this.organizationInvoices.listOrganizationSeatStints(...args);
}
