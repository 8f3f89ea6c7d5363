// The API tokens tab's Create token form: one name, by the API's rule (CreateApiTokenRequest) and in its words.
import { z } from 'zod';
import { CreateApiTokenRequest } from '../../../protocol/org';
import { checkForm, formFields, text, type FormCheck } from '../../platform/form-schema';

/** The name as typed (kept to re-fill the form); the rule trims it. */
const CreateTokenFields = formFields({ name: text });
export type CreateTokenForm = z.output<typeof CreateTokenFields>;

export function readCreateTokenForm(body: unknown): CreateTokenForm {
  return CreateTokenFields.parse(body);
}

export function validateCreateTokenForm(form: CreateTokenForm): FormCheck<CreateApiTokenRequest, 'name'> {
  return checkForm(CreateApiTokenRequest, form);
}
