// The billing information form: the name and address printed on invoices, and a tax ID. Every
// field is optional (a person may want none on their invoices); what is given must be printable.
import { z } from 'zod';
import { checkForm, formFields, trimmed, type FormCheck } from '../platform/form-schema';

export type BillingDetailsField = 'name' | 'address' | 'taxId';

const MAX_NAME = 200;
const MAX_ADDRESS_LINES = 6;
const MAX_ADDRESS_LINE = 100;
// VAT numbers (DE123456789), EINs (12-3456789), ABNs with spaces: letters and digits with the
// usual separators, 3 to 32 characters. Whether the number is registered is the tax authority's call.
const TAX_ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9 .\-/]{1,30}[A-Za-z0-9]$/;
// Control characters would corrupt the PDF and the emails; line breaks are allowed in the address only.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F]/;

const BillingDetailsFields = formFields(
  {
    name: trimmed,
    // One address line per line typed, trimmed, without blank lines.
    address: z.string().transform((address) =>
      address
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .join('\n'),
    ),
    taxId: trimmed,
  },
  { taxId: 'tax_id' },
);
export type BillingDetailsForm = z.output<typeof BillingDetailsFields>;

const addressLines = (address: string) => (address === '' ? [] : address.split('\n'));
// An empty field is no value at all (null), not an empty one.
const orNull = (value: string) => value || null;

const BillingDetailsRules = z.object({
  name: z
    .string()
    .max(MAX_NAME, `The name must be at most ${MAX_NAME} characters.`)
    .refine((name) => !CONTROL.test(name) && !name.includes('\n'), 'The name must be one line of printable characters.')
    .transform(orNull),
  address: z
    .string()
    .refine(
      (address) => addressLines(address).length <= MAX_ADDRESS_LINES,
      `The address must be at most ${MAX_ADDRESS_LINES} lines.`,
    )
    .refine(
      (address) => addressLines(address).every((line) => line.length <= MAX_ADDRESS_LINE),
      `Each address line must be at most ${MAX_ADDRESS_LINE} characters.`,
    )
    .refine((address) => !CONTROL.test(address), 'The address must contain printable characters only.')
    .transform(orNull),
  taxId: z
    .string()
    .refine(
      (taxId) => taxId === '' || TAX_ID_SHAPE.test(taxId),
      'Enter the tax ID as registered, like DE123456789: 3 to 32 letters and digits, with spaces, dots, dashes or slashes between them.',
    )
    .transform(orNull),
});

export type ValidBillingDetails = z.output<typeof BillingDetailsRules>;

export function readBillingDetailsForm(body: unknown): BillingDetailsForm {
  return BillingDetailsFields.parse(body);
}

export function validateBillingDetailsForm(form: BillingDetailsForm): FormCheck<ValidBillingDetails, BillingDetailsField> {
  return checkForm(BillingDetailsRules, form);
}
