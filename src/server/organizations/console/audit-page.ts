// The Audit log tab: every admin action, newest first.
import type { AuditLine } from './audit-lines';
import { html, type SafeHtml } from '../../platform/html';

export function consoleAuditBody(model: { lines: AuditLine[]; limit: number }): SafeHtml {
  if (model.lines.length === 0) return html`<p class="muted" id="no-audit">Nothing recorded yet.</p>`;
  return html`<p class="hint">The latest ${model.limit} actions, newest first. Times are in the organization's time zone.</p>
  <table class="console" id="audit">
    <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Before → after</th></tr></thead>
    <tbody>${model.lines.map(
      (line) => html`<tr class="audit-entry">
      <td class="audit-when number">${line.when}</td>
      <td class="audit-who">${line.who}</td>
      <td class="audit-what">${line.what}</td>
      <td class="audit-target">${line.target}</td>
      <td class="audit-change">${line.before} → ${line.after}</td>
    </tr>`,
    )}</tbody>
  </table>`;
}
