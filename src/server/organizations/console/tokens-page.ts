// The console's API tokens tab: the organization's live tokens, a form to create one, and the page
// that shows a new token's secret, the one time it is ever shown.
import type { OrgApiToken } from '../../../protocol/org';
import { formatDate } from '../../../protocol/format';
import { CSRF_FIELD } from '../../platform/csrf';
import { html } from '../../platform/html';
import { consolePage } from './console-layout';
import { formError, hiddenField, inputField } from '../../platform/form-fields';
import type { Page } from '../../platform/layout';

export interface TokensPageModel {
  organizationName: string;
  /** The organization's zone: the dates are read there. */
  timeZone: string;
  tokens: OrgApiToken[];
  csrfToken: string;
  flash?: string | null;
  formError?: string;
  name?: string;
  nameError?: string;
  testMode: boolean;
}

export function tokensPage(model: TokensPageModel): Page {
  return consolePage({
    organizationName: model.organizationName,
    tab: 'tokens',
    title: 'API tokens',
    testMode: model.testMode,
    body: html`${model.flash && html`<div class="notice notice--success" role="status" id="flash">${model.flash}</div>`}
  ${formError(model.formError)}
  <p class="lead">An API token lets a script or the <code>tally</code> command line use the admin API as the admin who created it. It stops working when it is revoked or when that admin is no longer an admin.</p>
  ${
    model.tokens.length === 0
      ? html`<p class="muted" id="no-tokens">No API tokens yet.</p>`
      : html`<table class="console" id="tokens">
    <thead><tr><th scope="col">Name</th><th scope="col">Created by</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>
      ${model.tokens.map(
        (token) => html`<tr class="api-token" data-token-id="${token.id}">
        <td class="token-name">${token.name}</td>
        <td class="token-created-by">${token.createdBy}</td>
        <td class="token-created">${formatDate(token.createdAt, model.timeZone)}</td>
        <td class="token-last-used">${token.lastUsedAt === null ? 'Never' : formatDate(token.lastUsedAt, model.timeZone)}</td>
        <td><form id="revoke-${token.id}" method="post" action="/org/tokens/${token.id}/revoke">
          ${hiddenField(CSRF_FIELD, model.csrfToken)}
          <button class="button button--secondary button--small" type="submit" aria-label="Revoke ${token.name}">Revoke</button>
        </form></td>
      </tr>`,
      )}
    </tbody>
  </table>`
  }
  <h2>Create a token</h2>
  <form id="create-token-form" method="post" action="/org/tokens" class="token-create">
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${inputField({ id: 'token-name', name: 'name', label: 'Name', value: model.name ?? '', maxlength: 100, hint: 'What the token is for, e.g. "Nightly usage export".', error: model.nameError })}
    <div class="actions"><button class="button" type="submit" id="create-token">Create token</button></div>
  </form>`,
  });
}

export interface CreatedTokenPageModel {
  organizationName: string;
  token: OrgApiToken;
  secret: string;
  testMode: boolean;
}

export function createdTokenPage(model: CreatedTokenPageModel): Page {
  return consolePage({
    organizationName: model.organizationName,
    tab: 'tokens',
    title: 'API token created',
    testMode: model.testMode,
    body: html`<div class="notice notice--success" role="status" id="flash">The token “${model.token.name}” was created.</div>
  <p class="lead" id="shown-once"><strong>Copy it now: this token will not be shown again.</strong> Tally keeps only a fingerprint of it; if it is lost, revoke it and create another.</p>
  <p class="token-secret"><code id="new-token">${model.secret}</code></p>
  <p class="hint">Use it as <code>TALLY_API_TOKEN</code> for the <code>tally</code> command line, or as <code>Authorization: Bearer …</code> on /api/org.</p>
  <div class="actions"><a class="button" href="/org/tokens" id="back-to-tokens">Done</a></div>`,
  });
}
