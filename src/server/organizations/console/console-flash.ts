// One-line confirmations after a console form (Post/Redirect/Get). As in the portal, the redirect
// names a known code, never free text: a plan change adds a plan id (checked against the catalog),
// counts and a calendar date (checked by shape), so a crafted link cannot make the page say
// anything of its own.
import { findPlan, type Catalog } from '../../../engine/catalog';
import { formatDay } from '../../../protocol/format';
import { userCount } from './console-format';

const MESSAGES = {
  'organization-created': 'Organization created: you are its first admin. Add members next.',
  'member-added': 'Member added.',
  'group-created': 'Group created.',
  'group-member-added': 'Member added to the group.',
  'change-undone': 'The scheduled change was undone: the plan stays as it is.',
  'overage-on': 'Overages are on for everyone in the organization.',
  'overage-off': 'Overages are off: work stops when a plan’s credits are used up.',
  'test-clock': 'The test clock moved forward: members’ months, due lower tiers and due invoices have run.',
} as const;

export type ConsoleFlashCode = keyof typeof MESSAGES;

/** `path` with a confirmation. */
export function consoleFlashPath(path: string, code: ConsoleFlashCode): string {
  return `${path}?done=${code}`;
}

/** After *Change plan*: how many users have the plan now, and how many from `from` (YYYY-MM-DD). */
export function planFlashPath(path: string, change: { planId: string; now: number; later: number; from: string | null }): string {
  const query = new URLSearchParams({ done: 'plan', plan: change.planId, now: String(change.now), later: String(change.later) });
  if (change.from) query.set('from', change.from);
  return `${path}?${query}`;
}

/** After *Unsubscribe*. */
export function deactivatedFlashPath(count: number): string {
  return `/org/users?done=deactivated&count=${count}`;
}

export function consoleFlash(query: unknown, catalog: Catalog): string | null {
  const read = (name: string): string => {
    const value = typeof query === 'object' && query !== null ? (query as Record<string, unknown>)[name] : undefined;
    return typeof value === 'string' ? value : '';
  };
  const done = read('done');
  if (Object.hasOwn(MESSAGES, done)) return MESSAGES[done as ConsoleFlashCode];
  const count = (name: string): number | null => (/^\d{1,5}$/.test(read(name)) ? Number(read(name)) : null);
  if (done === 'deactivated') {
    const n = count('count');
    return n === null ? null : `Unsubscribed ${userCount(n)}: Canceled, and access to paid features ends now.`;
  }
  if (done === 'plan') {
    const plan = findPlan(catalog, read('plan'));
    const now = count('now');
    const later = count('later');
    if (!plan || now === null || later === null) return null;
    const from = /^\d{4}-\d{2}-\d{2}$/.test(read('from')) ? formatDay(read('from')) : null;
    const parts: string[] = [];
    if (now > 0) parts.push(`${plan.name} applies now to ${userCount(now)}.`);
    if (later > 0 && from)
      parts.push(
        `${plan.name} applies from ${from} to ${userCount(later)} (a lower tier waits for the start of next month; Undo until then).`,
      );
    return parts.length > 0 ? parts.join(' ') : `Nothing changed: no subscribed user moves to ${plan.name}.`;
  }
  return null;
}
