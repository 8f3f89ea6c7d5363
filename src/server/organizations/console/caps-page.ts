// The admin console's "Overage caps" tab (/org/caps): the organization's cap, each group's and each
// capped user's, and one form to set or remove a cap (an amount in dollars; empty removes it).
import { formatMoney } from '../../../protocol/format';
import type { OrgCaps } from '../../../protocol/org';
import { html, type SafeHtml } from '../../platform/html';
import { consolePage } from './console-layout';
import { formError, hiddenField, inputField } from '../../platform/form-fields';
import type { Page } from '../../platform/layout';

/** One-line confirmations after the form: the redirect names a known code, never free text. */
const FLASH = {
  'cap-set': 'Cap saved. Overage past it stops at once for the members it covers.',
  'cap-removed': 'Cap removed.',
} as const;

export type CapsFlash = keyof typeof FLASH;

export const capsFlashPath = (code: CapsFlash) => `/org/caps?done=${code}`;

export function capsFlashMessage(code: unknown): string | null {
  return typeof code === 'string' && Object.hasOwn(FLASH, code) ? FLASH[code as CapsFlash] : null;
}

export interface CapsPageModel {
  organizationName: string;
  caps: OrgCaps;
  /** Every group and member the form can cap. */
  groups: readonly { id: string; name: string }[];
  users: readonly { id: string; email: string }[];
  /** The form as sent back after a refusal: `target` is "organization", "group:<id>" or "user:<id>". */
  form?: { target: string; amount: string };
  errors?: { target?: string; amount?: string };
  formError?: string;
  flash: string | null;
  csrfToken: string;
  testMode: boolean;
}

const capText = (cents: number | null) => (cents === null ? 'No cap' : `${formatMoney(cents)} a month`);

export function capsPage(model: CapsPageModel): Page {
  const { caps } = model;
  const groupCaps = new Map(caps.groups.map((g) => [g.id, g.capCents]));
  const rows: SafeHtml[] = [
    html`<tr><td>The whole organization</td><td class="number" id="cap-organization">${capText(caps.organization)}</td></tr>`,
    ...model.groups.map(
      (g) =>
        html`<tr><td>Group: ${g.name}</td><td class="number" id="${`cap-group-${g.id}`}">${capText(groupCaps.get(g.id) ?? null)}</td></tr>`,
    ),
    ...caps.users.map(
      (u) => html`<tr><td>User: ${u.email}</td><td class="number" id="${`cap-user-${u.id}`}">${capText(u.capCents)}</td></tr>`,
    ),
  ];
  const body = html`${model.flash && html`<div class="notice notice--success" role="status" id="flash">${model.flash}</div>`}
  <p class="hint">Overage is billed per calendar month of the organization. A member's overage stops at the tightest cap that covers them: their own, each group they are in (shared by its members), and the organization's (shared by everyone). Overage itself is switched on in Settings.</p>
  <table class="console" id="caps">
    <thead><tr><th scope="col">Who</th><th scope="col" class="number">Overage cap</th></tr></thead>
    <tbody>${rows}</tbody>
  </table>
  <h2 id="cap-form-heading">Set or remove a cap</h2>
  ${formError(model.formError)}
  <form id="cap-form" method="post" action="/org/caps" novalidate aria-labelledby="cap-form-heading">
    ${hiddenField('csrf', model.csrfToken)}
    ${targetField(model)}
    ${inputField({
      id: 'cap-amount',
      name: 'amount',
      label: 'Monthly cap in USD',
      value: model.form?.amount ?? '',
      inputmode: 'numeric',
      placeholder: 'Empty removes the cap',
      maxlength: 13,
      hint: 'Like 25 or 25.50. Leave it empty to remove the cap.',
      error: model.errors?.amount,
    })}
    <div class="actions actions--start"><button class="button" type="submit" id="save-cap">Save cap</button></div>
  </form>`;
  return consolePage({
    organizationName: model.organizationName,
    tab: 'caps',
    title: 'Overage caps',
    body,
    testMode: model.testMode,
  });
}

function targetField(model: CapsPageModel): SafeHtml {
  const chosen = model.form?.target ?? 'organization';
  const option = (value: string, label: string) =>
    html`<option value="${value}"${value === chosen ? html` selected` : html``}>${label}</option>`;
  const error = model.errors?.target;
  return html`<div class="field">
  <label for="cap-target">Cap for</label>
  <select id="cap-target" name="target"${error ? html` aria-invalid="true" aria-describedby="cap-target-error"` : html``}>
    ${option('organization', 'The whole organization')}
    ${model.groups.length > 0 ? html`<optgroup label="Groups">${model.groups.map((g) => option(`group:${g.id}`, g.name))}</optgroup>` : html``}
    ${model.users.length > 0 ? html`<optgroup label="Users">${model.users.map((u) => option(`user:${u.id}`, u.email))}</optgroup>` : html``}
  </select>
  ${error && html`<p class="field-error" id="cap-target-error">${error}</p>`}
</div>`;
}
