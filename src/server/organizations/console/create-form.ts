// The "Create an organization" form (/org): a name and a time zone, by the API's rule
// (CreateOrganizationRequest), in the console's words; an empty zone is none (the catalog's default).
import { z } from 'zod';
import { CreateOrganizationRequest } from '../../../protocol/org';
import { checkForm, formFields, text, trimmed, type FormCheck } from '../../platform/form-schema';
import type { FieldErrors } from '../../platform/form-body';

/** The name as typed (kept to re-fill the form; the rule trims it), the zone trimmed. */
const CreateOrganizationFields = formFields({ name: text, timeZone: trimmed });
export type CreateOrganizationForm = z.output<typeof CreateOrganizationFields>;
type CreateOrganizationField = keyof CreateOrganizationForm;

const CreateOrganizationRules = z.object({
  name: CreateOrganizationRequest.shape.name,
  timeZone: z
    .string()
    .transform((zone) => (zone === '' ? undefined : zone))
    .pipe(CreateOrganizationRequest.shape.timeZone),
});

export function readCreateOrganizationForm(body: unknown): CreateOrganizationForm {
  return CreateOrganizationFields.parse(body);
}

export function validateCreateOrganizationForm(
  form: CreateOrganizationForm,
): FormCheck<CreateOrganizationRequest, CreateOrganizationField> {
  const checked = checkForm(CreateOrganizationRules, form);
  if (checked.ok) return checked;
  const errors: FieldErrors<CreateOrganizationField> = {};
  if (checked.errors.name) errors.name = `The organization ${checked.errors.name}.`;
  if (checked.errors.timeZone) errors.timeZone = `The ${checked.errors.timeZone}.`;
  return { ok: false, errors };
}
