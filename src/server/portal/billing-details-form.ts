// The billing information form: the name and address printed on invoices, and a tax ID. Every
// field is optional (a person may want none on their invoices); what is given must be printable.
import { textField, type FieldErrors } from '../platform/form-body';

export type BillingDetailsField = 'name' | 'address' | 'taxId';

export interface BillingDetailsForm {
  name: string;
  address: string;
  taxId: string;
}

export interface ValidBillingDetails {
  name: string | null;
  address: string | null;
  taxId: string | null;
}

export type BillingDetailsValidation =
  { ok: true; value: ValidBillingDetails } | { ok: false; errors: FieldErrors<BillingDetailsField> };

const MAX_NAME = 200;
const MAX_ADDRESS_LINES = 6;
const MAX_ADDRESS_LINE = 100;
// VAT numbers (DE123456789), EINs (12-3456789), ABNs with spaces: letters and digits with the
// usual separators, 3 to 32 characters. Whether the number is registered is the tax authority's call.
const TAX_ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9 .\-/]{1,30}[A-Za-z0-9]$/;
// Control characters would corrupt the PDF and the emails; line breaks are allowed in the address only.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F]/;

export function readBillingDetailsForm(body: unknown): BillingDetailsForm {
  return {
    name: textField(body, 'name').trim(),
    address: textField(body, 'address')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .join('\n'),
    taxId: textField(body, 'tax_id').trim(),
  };
}

export function validateBillingDetailsForm(form: BillingDetailsForm): BillingDetailsValidation {
  const errors: FieldErrors<BillingDetailsField> = {};
  if (form.name.length > MAX_NAME) errors.name = `The name must be at most ${MAX_NAME} characters.`;
  else if (CONTROL.test(form.name) || form.name.includes('\n'))
    errors.name = 'The name must be one line of printable characters.';

  const lines = form.address === '' ? [] : form.address.split('\n');
  if (lines.length > MAX_ADDRESS_LINES) errors.address = `The address must be at most ${MAX_ADDRESS_LINES} lines.`;
  else if (lines.some((line) => line.length > MAX_ADDRESS_LINE))
    errors.address = `Each address line must be at most ${MAX_ADDRESS_LINE} characters.`;
  else if (CONTROL.test(form.address)) errors.address = 'The address must contain printable characters only.';

  if (form.taxId !== '' && !TAX_ID_SHAPE.test(form.taxId)) {
    errors.taxId =
      'Enter the tax ID as registered, like DE123456789: 3 to 32 letters and digits, with spaces, dots, dashes or slashes between them.';
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { name: form.name || null, address: form.address || null, taxId: form.taxId || null } };
}
