// Every migration, oldest first. Append new ones; never edit one that has shipped.
import type { Migration } from './migration';
import { initial } from './0001-initial';
import { authorizationRequests } from './0002-authorization-requests';
import { billingEngine } from './0003-billing-engine';
import { arrearsCalculation } from './0004-arrears-calculation';
import { placeholders } from './placeholders-0005-0007';
import { authenticationsAndSales } from './0008-authentications-and-sales';

export const migrations: readonly Migration[] = [
  initial,
  authorizationRequests,
  billingEngine,
  arrearsCalculation,
  // TEMPORARY (sandbox3ds branch only): stand-ins for 0005–0007; the lead drops this line on merge.
  ...placeholders,
  authenticationsAndSales,
];
