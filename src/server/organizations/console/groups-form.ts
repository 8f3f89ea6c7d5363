// The Groups tab's Create group form: one name, by the API's rule (CreateGroupRequest), in the console's words.
import { z } from 'zod';
import { CreateGroupRequest } from '../../../protocol/org';
import { checkForm, formFields, text, type FormCheck } from '../../platform/form-schema';

/** The name as typed (kept to re-fill the form); the rule trims it. */
const CreateGroupFields = formFields({ name: text });
export type CreateGroupForm = z.output<typeof CreateGroupFields>;

export function readCreateGroupForm(body: unknown): CreateGroupForm {
  return CreateGroupFields.parse(body);
}

export function validateCreateGroupForm(form: CreateGroupForm): FormCheck<CreateGroupRequest, 'name'> {
  const checked = checkForm(CreateGroupRequest, form);
  return checked.ok ? checked : { ok: false, errors: { name: `The group ${checked.errors.name}.` } };
}
