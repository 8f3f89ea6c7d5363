// Every migration, oldest first. Append new ones; never edit one that has shipped.
import type { Migration } from './migration';
import { initial } from './0001-initial';
import { authorizationRequests } from './0002-authorization-requests';
import { billingEngine } from './0003-billing-engine';
import { arrearsCalculation } from './0004-arrears-calculation';
import { emails } from './0006-emails';

// BRANCH-ONLY STAND-IN (email slice): version 5 belongs to another slice's migration, and migrate.ts
// requires versions without gaps. This empty placeholder keeps the email branch runnable on its own;
// the merge replaces it with the real 0005 and must not keep it (a database that recorded this
// placeholder as version 5 would never get the real one).
const reservedForVersion5: Migration = { version: 5, name: 'reserved-for-0005', sql: '' };

export const migrations: readonly Migration[] = [initial, authorizationRequests, billingEngine, arrearsCalculation, reservedForVersion5, emails];
