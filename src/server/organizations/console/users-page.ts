// The Users tab: search, a page of 50 members with their subscription (status, plan, a scheduled
// lower tier with its Undo, Last active), Add member, and the two actions on the ticked users.
import type { SubscriptionStatus } from '../../../protocol/api';
import { CSRF_FIELD } from '../../platform/csrf';
import { html, type SafeHtml } from '../../platform/html';
import { formError, hiddenField, inputField } from '../../platform/form-fields';

export interface ConsoleUserRow {
  id: string;
  email: string;
  role: 'admin' | 'member';
  planName: string;
  status: SubscriptionStatus | null;
  /** "Pro from Dec 1, 2026", or null. */
  scheduled: string | null;
  /** "Nov 20, 2026", or "—". */
  lastActive: string;
}

export interface ConsoleUsersModel {
  rows: ConsoleUserRow[];
  search: string;
  page: number;
  pageSize: number;
  total: number;
  /** "51–100 of 120". */
  range: string;
  csrfToken: string;
  flash: string | null;
  formError?: string;
  searchError?: string;
  addMember?: { email: string; error?: string };
}

const STATUS_CLASSES: Record<SubscriptionStatus, string> = {
  active: 'status',
  canceled: 'status status--warn',
  pending: 'status status--pending',
  past_due: 'status status--warn',
};
const STATUS_LABELS: Record<SubscriptionStatus, string> = {
  active: 'Active',
  canceled: 'Canceled',
  pending: 'Pending',
  past_due: 'Past due',
};

export function consoleUsersBody(model: ConsoleUsersModel): SafeHtml {
  return html`${model.flash && html`<div class="notice notice--success" role="status" id="flash">${model.flash}</div>`}
  ${formError(model.formError)}
  <form id="search-form" method="get" action="/org/users" class="console-toolbar" role="search">
    ${inputField({ id: 'search', name: 'search', label: 'Search by email', type: 'text', value: model.search, maxlength: 200, error: model.searchError })}
    <button class="button button--secondary" type="submit" id="search-button">Search</button>
  </form>
  ${usersTable(model)}
  ${pager(model)}
  <h2 id="add-member-heading">Add member</h2>
  <form id="add-member-form" method="post" action="/org/users/members" class="console-toolbar" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${inputField({ id: 'member-email', name: 'email', label: 'Email of an account', type: 'email', value: model.addMember?.email ?? '', autocomplete: 'off', maxlength: 254, hint: 'They sign up first; their plan is then managed here.', error: model.addMember?.error })}
    <button class="button button--secondary" type="submit" id="add-member">Add member</button>
  </form>
  ${model.rows.filter((row) => row.scheduled !== null).map((row) => html`<form id="${`undo-${row.id}`}" method="post" action="${`/org/users/${encodeURIComponent(row.id)}/undo`}" class="inline-form">${hiddenField(CSRF_FIELD, model.csrfToken)}</form>`)}`;
}

function usersTable(model: ConsoleUsersModel): SafeHtml {
  if (model.rows.length === 0) {
    return html`<p class="muted" id="no-users">${model.search === '' ? 'No members yet.' : `No member's email contains “${model.search}”.`}</p>`;
  }
  // One GET form around the table: the ticked boxes go to the plan page, or (formaction) to the
  // deactivation review; nothing changes before the next page's POST.
  return html`<form id="users-form" method="get" action="/org/plan">
    <div class="actions actions--start console-actions">
      <button class="button" type="submit" id="change-plan">Change plan</button>
      <button class="button button--secondary" type="submit" formaction="/org/deactivate" id="deactivate-plan">Deactivate plan</button>
    </div>
    <table class="console" id="users">
      <thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Plan</th><th scope="col">Status</th><th scope="col">Scheduled change</th><th scope="col">Last active</th></tr></thead>
      <tbody>
        ${model.rows.map((row) => userRow(row))}
      </tbody>
    </table>
  </form>`;
}

function userRow(row: ConsoleUserRow): SafeHtml {
  return html`<tr class="user" data-email="${row.email}">
          <td><input type="checkbox" name="user" value="${row.id}" id="${`select-${row.id}`}" aria-label="${`Select ${row.email}`}"></td>
          <td class="user-email">${row.email}</td>
          <td class="user-role">${row.role === 'admin' ? 'Admin' : 'Member'}</td>
          <td class="user-plan">${row.planName}</td>
          <td class="user-status">${row.status && html`<span class="${STATUS_CLASSES[row.status]}">${STATUS_LABELS[row.status]}</span>`}</td>
          <td class="user-scheduled">${row.scheduled && html`${row.scheduled} <button class="button button--secondary button--small" type="submit" form="${`undo-${row.id}`}" aria-label="${`Undo the scheduled change of ${row.email}`}">Undo</button>`}</td>
          <td class="user-last-active number">${row.lastActive}</td>
        </tr>`;
}

function pager(model: ConsoleUsersModel): SafeHtml {
  const link = (page: number) =>
    `/org/users?${new URLSearchParams({ ...(model.search ? { search: model.search } : {}), page: String(page) })}`;
  const hasPrevious = model.page > 1;
  const hasNext = model.page * model.pageSize < model.total;
  return html`<nav class="pager" aria-label="Pages of users">
    ${hasPrevious ? html`<a class="button button--secondary button--small" id="previous-page" href="${link(model.page - 1)}">Previous</a>` : html`<span class="button button--secondary button--small button--disabled" aria-disabled="true">Previous</span>`}
    <span class="muted" id="page-range">${model.range}</span>
    ${hasNext ? html`<a class="button button--secondary button--small" id="next-page" href="${link(model.page + 1)}">Next</a>` : html`<span class="button button--secondary button--small button--disabled" aria-disabled="true">Next</span>`}
  </nav>`;
}
