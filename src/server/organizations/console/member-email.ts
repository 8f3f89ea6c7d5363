// The console's message for a refused member email: its own words for "not an address" (which
// account it must be), the shared rule's words for what an address must never hold.
import { EMAIL_ADDRESS_MESSAGES, emailAddressIssue } from '../../../protocol/email-address';

export function memberEmailMessage(email: string, notAnAddress: string): string {
  const issue = emailAddressIssue(email);
  return issue === 'control' || issue === 'too-long' ? EMAIL_ADDRESS_MESSAGES[issue] : notAnAddress;
}
