// The audit log in words: who (email), what, on whom (email or group name), before → after
// (plans by name, seats as "Pending · Pro", switches as On/Off, caps in dollars, API tokens by
// their name), when (in the organization's zone).
// An entry this file does not know still shows, as its raw action and compact JSON.
import type { Catalog } from '../../../engine/catalog';
import { findPlan } from '../../../engine/catalog';
import { formatDate, formatDateTime, formatMoney, formatStatus } from '../../../protocol/format';
import type { SubscriptionStatus } from '../../../protocol/api';
import type { OrganizationAuditRecord } from '../../../store/store';
import { seatPlanName } from './console-format';

export interface AuditLine {
  who: string;
  what: string;
  target: string;
  before: string;
  after: string;
  when: string;
}

export interface AuditNames {
  catalog: Catalog;
  timeZone: string;
  organizationName: string;
  emails: ReadonlyMap<string, string>;
  groups: ReadonlyMap<string, string>;
}

/** How one action reads: its words, and (when the generic reading would mislead) its own target and values. */
interface ActionWords {
  what: string;
  target?: (entry: OrganizationAuditRecord, names: AuditNames) => string;
  value?: (value: unknown, names: AuditNames) => string;
}

const ACTIONS: Record<string, ActionWords> = {
  'organization.create': { what: 'Created the organization' },
  'member.add': { what: 'Added a member' },
  'group.create': { what: 'Created a group' },
  'group.add-member': { what: 'Added a member to a group' },
  'plan.assign': { what: 'Changed the plan' },
  'seat.change': { what: 'Subscription changed' },
  'seat.deactivate': { what: 'Deactivated the plan' },
  'seat.activate': { what: 'First sign-in from the editor' },
  'overage.set': { what: 'Switched overages' },
  // Caps are cents: a bare number would read as dollars, or as credits.
  'overage-cap.set': { what: 'Set an overage cap', value: capAmount },
  // A token is named by the name its admin gave it; nothing else of the entry is shown.
  'api-token.create': { what: 'Created an API token', target: tokenTarget, value: tokenName },
  'api-token.revoke': { what: 'Revoked an API token', target: tokenTarget, value: tokenName },
};

export function auditLine(entry: OrganizationAuditRecord, names: AuditNames): AuditLine {
  const words = ACTIONS[entry.action];
  const value = (v: unknown) => (words?.value ?? describe)(v, names);
  return {
    who: names.emails.get(entry.actorId) ?? entry.actorId,
    what: words?.what ?? entry.action,
    target: words?.target?.(entry, names) ?? targetName(entry.target, names),
    before: value(entry.before),
    after: value(entry.after),
    when: formatDateTime(entry.at, names.timeZone),
  };
}

/** Whether the log has words of its own for `action` (else it shows the raw action). */
export function hasAuditWords(action: string): boolean {
  return Object.hasOwn(ACTIONS, action);
}

function capAmount(value: unknown): string {
  if (value === null || value === undefined) return 'No cap';
  return typeof value === 'number' ? `${formatMoney(value)} a month` : JSON.stringify(value);
}

function tokenName(value: unknown): string {
  if (value === null || value === undefined) return '—';
  const name = (value as { name?: unknown }).name;
  return typeof name === 'string' ? name : '(unnamed)';
}

function tokenTarget(entry: OrganizationAuditRecord): string {
  const named = [entry.after, entry.before].find((v) => typeof (v as { name?: unknown } | null)?.name === 'string');
  return named === undefined ? entry.target : tokenName(named);
}

function targetName(target: string, names: AuditNames): string {
  if (target === 'organization') return names.organizationName;
  const [kind, id = ''] = target.split(/:(.*)/s);
  if (kind === 'user') return names.emails.get(id) ?? id;
  if (kind === 'group') return names.groups.get(id) ?? id;
  return target;
}

function describe(value: unknown, names: AuditNames): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'On' : 'Off';
  if (typeof value === 'string') return findPlan(names.catalog, value)?.name ?? value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.status === 'string' && typeof record.planId === 'string') return describeSeat(record, names);
    if (typeof record.name === 'string')
      return typeof record.timeZone === 'string' ? `${record.name} (${record.timeZone})` : record.name;
    if (typeof record.email === 'string')
      return typeof record.role === 'string' ? `${record.email} (${record.role})` : record.email;
  }
  return JSON.stringify(value);
}

/** A seat summary: "Active · Pro+", with a scheduled lower tier: "Active · Pro+, Pro from Dec 1, 2026". */
function describeSeat(seat: Record<string, unknown>, names: AuditNames): string {
  const status = formatStatus(seat.status as SubscriptionStatus);
  const scheduled = seat.scheduledChange as { planId?: unknown; effectiveAt?: unknown } | null | undefined;
  const later =
    scheduled && typeof scheduled.planId === 'string' && typeof scheduled.effectiveAt === 'string'
      ? `, ${seatPlanName(names.catalog, scheduled.planId)} from ${formatDate(scheduled.effectiveAt, names.timeZone)}`
      : '';
  return `${status} · ${seatPlanName(names.catalog, seat.planId as string)}${later}`;
}
