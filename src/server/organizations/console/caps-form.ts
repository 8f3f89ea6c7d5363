// The Overage caps tab's form: whose cap (a target) and how much, in dollars (empty removes it), by the
// API's rule for a cap (SetCapRequest). One problem at a time, the target first: the amount is checked
// once the form names whose cap it is.
import { z } from 'zod';
import { SetCapRequest } from '../../../protocol/org';
import type { OverageCapTarget } from '../../../store/store';
import { parseCapDollars } from '../../../protocol/dollars';
import { checkForm, formFields, text, type FormCheck } from '../../platform/form-schema';

/** As typed, kept to re-fill the form: `target` is "organization", "group:<id>" or "user:<id>". */
const CapFields = formFields({ target: text, amount: text });
export type CapForm = z.output<typeof CapFields>;

export interface ValidCap {
  target: OverageCapTarget;
  /** null removes the cap. */
  capCents: number | null;
}

const TargetRule = z.string().transform((raw, context) => {
  const target = parseTarget(raw);
  if (target) return target;
  context.addIssue({ code: 'custom', message: 'Choose the organization, a group or a user.' });
  return z.NEVER;
});

const AmountRule = z.string().transform((amount, context) => {
  const dollars = parseCapDollars(amount);
  const capCents = dollars === undefined ? undefined : SetCapRequest.shape.capCents.safeParse(dollars);
  if (capCents?.success) return capCents.data;
  context.addIssue({
    code: 'custom',
    message: 'Enter the cap in dollars, like 25 or 25.50 (at most $1,000,000), or leave it empty to remove it.',
  });
  return z.NEVER;
});

export function readCapForm(body: unknown): CapForm {
  return CapFields.parse(body);
}

export function validateCapForm(form: CapForm): FormCheck<ValidCap, keyof CapForm> {
  const target = checkForm(z.object({ target: TargetRule }), form);
  if (!target.ok) return target;
  const amount = checkForm(z.object({ amount: AmountRule }), form);
  if (!amount.ok) return amount;
  return { ok: true, value: { target: target.value.target, capCents: amount.value.amount } };
}

/** "organization", "group:<id>" or "user:<id>" → the target; anything else → undefined. */
function parseTarget(raw: string): OverageCapTarget | undefined {
  if (raw === 'organization') return { kind: 'organization' };
  const match = /^(group|user):(.+)$/.exec(raw);
  if (!match) return undefined;
  return { kind: match[1] as 'group' | 'user', id: match[2] as string };
}
