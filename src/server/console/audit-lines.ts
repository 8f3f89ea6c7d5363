// The audit log in words: who (email), what, on whom (email or group name), before → after
// (plans by name, seats as "Pending · Pro", switches as On/Off), when (in the organization's zone).
// An entry this file does not know still shows, as its raw action and compact JSON.
import type { Catalog } from '../../engine/catalog';
import { findPlan } from '../../engine/catalog';
import { formatStatus } from '../../protocol/format';
import type { SubscriptionStatus } from '../../protocol/api';
import type { OrganizationAuditRecord } from '../../store/store';
import { formatZonedDate, formatZonedDateTime, planName } from './format';

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

const ACTIONS: Record<string, string> = {
  'organization.create': 'Created the organization',
  'member.add': 'Added a member',
  'group.create': 'Created a group',
  'group.add-member': 'Added a member to a group',
  'plan.assign': 'Changed the plan',
  'seat.change': 'Subscription changed',
  'seat.deactivate': 'Deactivated the plan',
  'seat.activate': 'First sign-in from the editor',
  'overage.set': 'Switched overages',
};

export function auditLine(entry: OrganizationAuditRecord, names: AuditNames): AuditLine {
  return {
    who: names.emails.get(entry.actorId) ?? entry.actorId,
    what: ACTIONS[entry.action] ?? entry.action,
    target: targetName(entry.target, names),
    before: describe(entry.before, names),
    after: describe(entry.after, names),
    when: formatZonedDateTime(entry.at, names.timeZone),
  };
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
    if (typeof record.name === 'string') return typeof record.timeZone === 'string' ? `${record.name} (${record.timeZone})` : record.name;
    if (typeof record.email === 'string') return typeof record.role === 'string' ? `${record.email} (${record.role})` : record.email;
  }
  return JSON.stringify(value);
}

/** A seat summary: "Active · Pro+", with a scheduled lower tier: "Active · Pro+, Pro from Dec 1, 2026". */
function describeSeat(seat: Record<string, unknown>, names: AuditNames): string {
  const status = formatStatus(seat.status as SubscriptionStatus);
  const scheduled = seat.scheduledChange as { planId?: unknown; effectiveAt?: unknown } | null | undefined;
  const later =
    scheduled && typeof scheduled.planId === 'string' && typeof scheduled.effectiveAt === 'string'
      ? `, ${planName(names.catalog, scheduled.planId)} from ${formatZonedDate(scheduled.effectiveAt, names.timeZone)}`
      : '';
  return `${status} · ${planName(names.catalog, seat.planId as string)}${later}`;
}
