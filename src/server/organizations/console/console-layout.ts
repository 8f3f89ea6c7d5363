// The frame of every admin console page (/org): the organization's name and the tabs. Each tab is
// its own page and route file; this file only knows their names and addresses.
import { html, type SafeHtml } from '../../platform/html';
import type { Page } from '../../platform/layout';

export const CONSOLE_TABS = [
  { id: 'users', label: 'Users', path: '/org/users' },
  { id: 'groups', label: 'Groups', path: '/org/groups' },
  { id: 'settings', label: 'Settings', path: '/org/settings' },
  { id: 'caps', label: 'Overage caps', path: '/org/caps' },
  { id: 'invoices', label: 'Invoices', path: '/org/invoices' },
  { id: 'tokens', label: 'API tokens', path: '/org/tokens' },
  { id: 'audit', label: 'Audit log', path: '/org/audit' },
] as const;

export type ConsoleTab = (typeof CONSOLE_TABS)[number]['id'];

export interface ConsolePage {
  organizationName: string;
  tab: ConsoleTab;
  /** The page's own heading, e.g. "Users". */
  title: string;
  body: SafeHtml;
  testMode: boolean;
}

export function consolePage(page: ConsolePage): Page {
  return {
    title: `${page.title} · ${page.organizationName}`,
    testMode: page.testMode,
    width: 'wide',
    body: html`<section class="card card--console" aria-labelledby="page-title">
  <p class="console-org" id="organization-name">${page.organizationName}</p>
  <nav class="tabs" aria-label="Organization console">
    ${CONSOLE_TABS.map((tab) => html`<a class="tab${tab.id === page.tab ? ' tab--active' : ''}" href="${tab.path}"${tab.id === page.tab ? html` aria-current="page"` : html``}>${tab.label}</a>`)}
  </nav>
  <h1 id="page-title">${page.title}</h1>
  ${page.body}
</section>`,
  };
}
