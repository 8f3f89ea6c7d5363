// One-line confirmations after a portal form: the redirect names a known code (?done=…), never
// free text, so a crafted link cannot make the page say something of its own.
const MESSAGES = {
  'details-saved': 'Billing information saved. It applies to invoices issued from now on.',
  'plan-kept': 'The scheduled change was undone: your plan stays as it is.',
  'card-added': 'Card added.',
  'card-updated': 'Card updated.',
  'card-removed': 'Card removed.',
  'default-changed': 'Default card changed: future charges go to it.',
  'balance-paid': 'Payment received: your plan is active again.',
  // A member whose plan is the organization's paid invoices of their own: the plan never stopped.
  'own-balance-paid': 'Payment received: nothing is outstanding.',
  'overage-on': 'Overage is on: work continues past the allowance, billed at the period end.',
  'overage-off': 'Overage is off: work stops when the allowance is used up.',
  'editor-signed-out': 'The editor was signed out: it must sign in again to use Tally.',
} as const;

export type FlashCode = keyof typeof MESSAGES;

export function flashPath(code: FlashCode): string {
  return `/billing?done=${code}`;
}

export function flashMessage(code: unknown): string | null {
  return typeof code === 'string' && Object.hasOwn(MESSAGES, code) ? MESSAGES[code as FlashCode] : null;
}
