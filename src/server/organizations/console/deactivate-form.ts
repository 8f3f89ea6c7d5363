// The Unsubscribe form (Deactivate plan): nothing typed, only the users carried from the Users tab
// in one hidden `users` field (selection.ts).
import { formFields, text } from '../../platform/form-schema';
import { carriedUserIds } from './selection';

const DeactivateFields = formFields({ users: text });

export function readDeactivateForm(body: unknown): { userIds: string[] } {
  return { userIds: carriedUserIds(DeactivateFields.parse(body).users) };
}
