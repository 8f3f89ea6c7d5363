// The Change plan form: the plan chosen, for the users carried from the Users tab (a hidden `users`
// field) or for one group (a hidden `group` field).
import { z } from 'zod';
import { checkForm, formFields, text, type FormCheck } from '../../platform/form-schema';

const PlanFields = formFields({ group: text, users: text, plan: text });
export type PlanForm = z.output<typeof PlanFields>;

const PlanRules = z.object({ plan: z.string().min(1, 'Choose a plan.') });

export function readPlanForm(body: unknown): PlanForm {
  return PlanFields.parse(body);
}

export function validatePlanForm(form: PlanForm): FormCheck<{ plan: string }, 'plan'> {
  return checkForm(PlanRules, form);
}
