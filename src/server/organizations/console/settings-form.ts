// The Settings tab's forms: the Overages switch (a checkbox) and, with test clocks on, how far to move
// the organization's test clock (to the next month, or a number of days).
import { z } from 'zod';
import { checkForm, formFields, text, trimmed, type FormCheck } from '../../platform/form-schema';

const OverageFields = formFields({ enabled: text });
export type OverageForm = z.output<typeof OverageFields>;

// An unticked checkbox sends nothing; anything else than "yes" is not this form.
const OverageRules = z.object({
  enabled: z
    .string()
    .refine((raw) => raw === '' || raw === 'yes', 'Overages are either on or off: tick the box or leave it empty.')
    .transform((raw) => raw === 'yes'),
});

export function readOverageForm(body: unknown): OverageForm {
  return OverageFields.parse(body);
}

export function validateOverageForm(form: OverageForm): FormCheck<{ enabled: boolean }, 'enabled'> {
  return checkForm(OverageRules, form);
}

/** The API's limit for a relative advance (TestClockAdvanceRequest.days). */
const MAX_DAYS = 730;

const TestClockFields = formFields({ advance: text, days: trimmed });
export type TestClockForm = z.output<typeof TestClockFields>;
export type TestClockAdvance = { advance: 'month-start' } | { advance: 'days'; days: number };

const TestClockRules = z.discriminatedUnion(
  'advance',
  [
    z.object({ advance: z.literal('month-start') }),
    z.object({
      advance: z.literal('days'),
      days: z
        .string()
        .refine(
          (days) => /^\d{1,3}$/.test(days) && Number(days) >= 1 && Number(days) <= MAX_DAYS,
          `Days must be a whole number from 1 to ${MAX_DAYS}.`,
        )
        .transform(Number),
    }),
  ],
  { error: 'Choose how far to move the test clock.' },
);

export function readTestClockForm(body: unknown): TestClockForm {
  return TestClockFields.parse(body);
}

export function validateTestClockForm(form: TestClockForm): FormCheck<TestClockAdvance, keyof TestClockForm> {
  return checkForm(TestClockRules, form);
}
