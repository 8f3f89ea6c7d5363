// The Groups tab: each group with its plan and member count (groups have no status: subscriptions
// belong to users), and Create group.
import { CSRF_FIELD } from '../../platform/csrf';
import { html, type SafeHtml } from '../../platform/html';
import { formError, hiddenField, inputField } from '../../platform/form-fields';

export interface ConsoleGroupsModel {
  groups: { id: string; name: string; planName: string; memberCount: number }[];
  csrfToken: string;
  flash: string | null;
  formError?: string;
  create?: { name: string; error?: string };
}

export function consoleGroupsBody(model: ConsoleGroupsModel): SafeHtml {
  return html`${model.flash && html`<div class="notice notice--success" role="status" id="flash">${model.flash}</div>`}
  ${formError(model.formError)}
  ${
    model.groups.length === 0
      ? html`<p class="muted" id="no-groups">No groups yet. A plan given to a group subscribes each of its members, and anyone added later.</p>`
      : html`<table class="console" id="groups">
    <thead><tr><th scope="col">Group</th><th scope="col">Plan</th><th scope="col" class="number">Members</th></tr></thead>
    <tbody>${model.groups.map(
      (group) => html`<tr class="group" data-name="${group.name}">
      <td><a href="${`/org/groups/${encodeURIComponent(group.id)}`}">${group.name}</a></td>
      <td class="group-plan">${group.planName || html`<span class="muted">No plan</span>`}</td>
      <td class="group-members number">${group.memberCount}</td>
    </tr>`,
    )}</tbody>
  </table>`
  }
  <h2 id="create-group-heading">Create group</h2>
  <form id="create-group-form" method="post" action="/org/groups" class="console-toolbar" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${inputField({ id: 'group-name', name: 'name', label: 'Group name', value: model.create?.name ?? '', maxlength: 100, error: model.create?.error })}
    <button class="button button--secondary" type="submit" id="create-group">Create group</button>
  </form>`;
}

export interface ConsoleGroupModel {
  id: string;
  planName: string;
  members: { email: string; role: 'admin' | 'member' }[];
  csrfToken: string;
  flash: string | null;
  formError?: string;
  addMember?: { email: string; error?: string };
}

export function consoleGroupBody(model: ConsoleGroupModel): SafeHtml {
  const base = `/org/groups/${encodeURIComponent(model.id)}`;
  return html`<p class="eyebrow"><a href="/org/groups" id="back-to-groups">← Groups</a></p>
  ${model.flash && html`<div class="notice notice--success" role="status" id="flash">${model.flash}</div>`}
  ${formError(model.formError)}
  <dl class="facts" id="group-facts">
    <dt>Plan</dt><dd id="group-plan">${model.planName || 'No plan'}</dd>
    <dt>Members</dt><dd id="group-member-count">${model.members.length}</dd>
  </dl>
  <div class="actions actions--start"><a class="button" id="group-change-plan" href="${`/org/plan?group=${encodeURIComponent(model.id)}`}">Change plan</a></div>
  ${
    model.members.length === 0
      ? html`<p class="muted" id="no-group-members">No members yet.</p>`
      : html`<table class="console" id="group-members">
    <thead><tr><th scope="col">Email</th><th scope="col">Role</th></tr></thead>
    <tbody>${model.members.map((member) => html`<tr class="group-member"><td>${member.email}</td><td>${member.role === 'admin' ? 'Admin' : 'Member'}</td></tr>`)}</tbody>
  </table>`
  }
  <h2 id="add-group-member-heading">Add member</h2>
  <form id="add-group-member-form" method="post" action="${`${base}/members`}" class="console-toolbar" novalidate>
    ${hiddenField(CSRF_FIELD, model.csrfToken)}
    ${inputField({ id: 'group-member-email', name: 'email', label: 'Email of a member of the organization', type: 'email', value: model.addMember?.email ?? '', autocomplete: 'off', maxlength: 254, error: model.addMember?.error })}
    <button class="button button--secondary" type="submit" id="add-group-member">Add member</button>
  </form>`;
}
