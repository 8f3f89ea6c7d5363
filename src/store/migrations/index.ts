// Every migration, oldest first. Append new ones; never edit one that has shipped.
import type { Migration } from './migration';
import { initial } from './0001-initial';
import { authorizationRequests } from './0002-authorization-requests';
import { billingEngine } from './0003-billing-engine';
import { arrearsCalculation } from './0004-arrears-calculation';
import { browserSessions } from './0005-browser-sessions';
import { authenticationsAndSales } from './0006-authentications-and-sales';
import { emails } from './0007-emails';
import { dunning } from './0008-dunning';
import { creditLeases } from './0009-credit-leases';
import { organizations } from './0010-organizations';
import { organizationOverageCaps } from './0011-organization-overage-caps';
import { organizationInvoices } from './0012-organization-invoices';
import { organizationApiTokens } from './0013-organization-api-tokens';
import { ledgerOverageIndex } from './0014-ledger-overage-index';
import { organizationTestClocks } from './0015-organization-test-clocks';
import { hashedLinkTokens } from './0016-hashed-link-tokens';
import { editorSessions } from './0017-editor-sessions';
import { checkoutReturnPath } from './0018-checkout-return-path';

export const migrations: readonly Migration[] = [
  initial,
  authorizationRequests,
  billingEngine,
  arrearsCalculation,
  browserSessions,
  authenticationsAndSales,
  emails,
  dunning,
  creditLeases,
  organizations,
  organizationOverageCaps,
  organizationInvoices,
  organizationApiTokens,
  ledgerOverageIndex,
  organizationTestClocks,
  hashedLinkTokens,
  editorSessions,
  checkoutReturnPath,
];
