// A page that says one thing: an error, a missing link, an expired session.
import { html, type SafeHtml } from './html';
import type { Page } from './layout';

export function messagePage(title: string, message: string, extra?: SafeHtml): Page {
  return {
    title,
    body: html`<section class="card" aria-labelledby="page-title">
  <h1 id="page-title">${title}</h1>
  <p class="lead" id="page-message">${message}</p>
  ${extra}
</section>`,
  };
}
