// The console's Add member form (the Users tab and a group's page): one email, by the one address rule;
// its own words for "not an address" (which account it must be), the shared rule's words for what an
// address must never hold.
import { z } from 'zod';
import { EMAIL_ADDRESS_MESSAGES, emailAddressIssue } from '../../../protocol/email-address';
import { checkForm, formFields, trimmed, type FormCheck } from '../../platform/form-schema';

const MemberFields = formFields({ email: trimmed });
export type MemberForm = z.output<typeof MemberFields>;

export function readMemberForm(body: unknown): MemberForm {
  return MemberFields.parse(body);
}

/** `notAnAddress`: this form's words for an empty field or one that is not an address. */
export function validateMemberForm(form: MemberForm, notAnAddress: string): FormCheck<{ email: string }, 'email'> {
  const email = z.string().superRefine((value, context) => {
    const issue = emailAddressIssue(value);
    if (issue)
      context.addIssue({
        code: 'custom',
        message: issue === 'control' || issue === 'too-long' ? EMAIL_ADDRESS_MESSAGES[issue] : notAnAddress,
      });
  });
  return checkForm(z.object({ email }), form);
}
