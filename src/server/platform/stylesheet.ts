// The one stylesheet for every page, served from /assets/tally.css (a TypeScript string so that it
// travels inside the bundle). The CSP allows styles from 'self' only: no inline styles anywhere.
export const STYLESHEET = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8;
  --surface: #ffffff;
  --surface-alt: #f9fafb;
  --text: #16191d;
  --muted: #5d6571;
  --border: #dcdfe4;
  --input-border: #c3c8d0;
  --accent: #4338ca;
  --accent-hover: #3730a3;
  --accent-text: #ffffff;
  --focus: rgba(67, 56, 202, 0.28);
  --danger: #b42318;
  --danger-bg: #fef3f2;
  --danger-border: #fecdca;
  --success: #067647;
  --success-bg: #ecfdf3;
  --badge-bg: #fff4d6;
  --badge-text: #7a4a00;
  --shadow: 0 1px 2px rgba(16, 24, 40, 0.05), 0 8px 24px rgba(16, 24, 40, 0.06);
  --radius: 12px;
  font-family: ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 16px;
  line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1014;
    --surface: #171a20;
    --surface-alt: #1c2028;
    --text: #e7e9ec;
    --muted: #9aa2ad;
    --border: #2b303a;
    --input-border: #3a404c;
    --accent: #8b93ff;
    --accent-hover: #a5abff;
    --accent-text: #0e1014;
    --focus: rgba(139, 147, 255, 0.35);
    --danger: #ff8b7f;
    --danger-bg: #2c1614;
    --danger-border: #5c2520;
    --success: #5fd39a;
    --success-bg: #10261b;
    --badge-bg: #3a2c0c;
    --badge-text: #f5cf74;
    --shadow: 0 1px 2px rgba(0, 0, 0, 0.3), 0 8px 24px rgba(0, 0, 0, 0.35);
  }
}
* { box-sizing: border-box; }
html, body { margin: 0; }
body {
  background: var(--bg);
  color: var(--text);
  min-height: 100vh;
  display: flex;
  flex-direction: column;
  -webkit-font-smoothing: antialiased;
}
a { color: var(--accent); }
a:hover { color: var(--accent-hover); }

.topbar {
  display: flex;
  align-items: center;
  justify-content: space-between;
  width: 100%;
  margin: 0 auto;
  padding: 20px 24px 0;
}
.topbar--narrow { max-width: 488px; }
.topbar--medium { max-width: 768px; }
.topbar--wide { max-width: 968px; }
.brand { display: inline-flex; align-items: center; gap: 10px; font-weight: 650; font-size: 1.05rem; letter-spacing: -0.01em; }
.brand-mark {
  width: 26px; height: 26px; border-radius: 7px;
  background: linear-gradient(135deg, var(--accent), #7c3aed);
  display: inline-grid; place-items: center; color: #fff; font-size: 0.8rem; font-weight: 700;
}
.badge {
  display: inline-block; padding: 2px 10px; border-radius: 999px;
  background: var(--badge-bg); color: var(--badge-text);
  font-size: 0.75rem; font-weight: 600; letter-spacing: 0.02em; text-transform: uppercase;
}

main { flex: 1; width: 100%; padding: 32px 24px 48px; display: flex; justify-content: center; align-items: flex-start; }
.card {
  background: var(--surface);
  border: 1px solid var(--border);
  border-radius: var(--radius);
  box-shadow: var(--shadow);
  width: 100%;
  max-width: 440px;
  padding: 32px;
}
.card--wide { max-width: 920px; padding: 0; display: grid; grid-template-columns: 1fr 1.15fr; overflow: hidden; }
.card--medium { max-width: 720px; }
@media (max-width: 760px) { .card--wide { grid-template-columns: 1fr; } }

h1 { font-size: 1.5rem; line-height: 1.25; letter-spacing: -0.02em; margin: 0 0 6px; }
h2 { font-size: 1.05rem; margin: 28px 0 12px; }
.lead { color: var(--muted); margin: 0 0 24px; }
.muted { color: var(--muted); }
.small { font-size: 0.875rem; }

.summary { background: var(--surface-alt); border-right: 1px solid var(--border); padding: 32px; }
@media (max-width: 760px) { .summary { border-right: 0; border-bottom: 1px solid var(--border); } }
.summary .eyebrow { color: var(--muted); font-size: 0.875rem; margin: 0 0 4px; }
.price { font-size: 2.25rem; font-weight: 700; letter-spacing: -0.03em; margin: 0; }
.price .per { font-size: 1rem; font-weight: 500; color: var(--muted); letter-spacing: 0; }
.perks { list-style: none; padding: 0; margin: 20px 0 24px; }
.perks li { padding: 6px 0 6px 26px; position: relative; }
.perks li::before {
  content: ""; position: absolute; left: 2px; top: 12px; width: 12px; height: 7px;
  border-left: 2px solid var(--success); border-bottom: 2px solid var(--success); transform: rotate(-45deg);
}
.lines { width: 100%; border-collapse: collapse; font-size: 0.95rem; }
.lines td { padding: 10px 0; border-top: 1px solid var(--border); vertical-align: top; }
.lines td.amount { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; padding-left: 16px; }
.lines tr.total td { font-weight: 650; font-size: 1.05rem; }
.form-pane { padding: 32px; }

form { margin: 0; }
.field { margin-bottom: 18px; }
.field label { display: block; font-weight: 550; font-size: 0.9rem; margin-bottom: 6px; }
.field input, .field textarea {
  width: 100%; font: inherit; color: var(--text);
  background: var(--surface); border: 1px solid var(--input-border); border-radius: 8px;
  padding: 10px 12px; transition: border-color 0.15s, box-shadow 0.15s;
}
.field textarea { resize: vertical; min-height: 96px; }
.field input:focus, .field textarea:focus { outline: none; border-color: var(--accent); box-shadow: 0 0 0 4px var(--focus); }
.field textarea[aria-invalid="true"], .field input[aria-invalid="true"] { border-color: var(--danger); }
.field input[aria-invalid="true"]:focus { box-shadow: 0 0 0 4px var(--danger-bg); }
.field-row { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.field-error { color: var(--danger); font-size: 0.85rem; margin: 6px 0 0; }
.hint { color: var(--muted); font-size: 0.85rem; margin: 6px 0 0; }
.alert {
  border: 1px solid var(--danger-border); background: var(--danger-bg); color: var(--danger);
  border-radius: 8px; padding: 10px 14px; margin-bottom: 20px; font-size: 0.95rem;
}
.notice {
  border: 1px solid var(--border); background: var(--surface-alt); color: var(--muted);
  border-radius: 8px; padding: 10px 14px; margin-top: 20px; font-size: 0.85rem;
}
.notice code { color: var(--text); }

.actions { display: flex; gap: 12px; margin-top: 24px; flex-wrap: wrap; }
.button {
  display: inline-flex; align-items: center; justify-content: center;
  font: inherit; font-weight: 600; cursor: pointer; text-decoration: none;
  border-radius: 8px; padding: 11px 18px; border: 1px solid transparent;
  background: var(--accent); color: var(--accent-text);
  transition: background 0.15s, border-color 0.15s;
}
.button:hover { background: var(--accent-hover); color: var(--accent-text); }
.button:focus-visible { outline: none; box-shadow: 0 0 0 4px var(--focus); }
.button--secondary { background: transparent; color: var(--text); border-color: var(--input-border); }
.button--secondary:hover { background: var(--surface-alt); color: var(--text); }
.button--block { width: 100%; }
.actions .button { flex: 1; }

.success-mark {
  width: 48px; height: 48px; border-radius: 50%; background: var(--success-bg);
  display: grid; place-items: center; margin-bottom: 16px; position: relative;
}
.success-mark::after {
  content: ""; width: 18px; height: 10px; margin-top: -4px;
  border-left: 3px solid var(--success); border-bottom: 3px solid var(--success); transform: rotate(-45deg);
}
.facts { display: grid; grid-template-columns: auto 1fr; gap: 8px 24px; margin: 20px 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 550; font-variant-numeric: tabular-nums; }
.code-box {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9rem;
  background: var(--surface-alt); border: 1px solid var(--border); border-radius: 8px;
  padding: 10px 12px; word-break: break-all; user-select: all;
}
table.invoices { width: 100%; border-collapse: collapse; font-size: 0.95rem; }
table.invoices th { text-align: left; color: var(--muted); font-weight: 550; font-size: 0.85rem; padding: 8px 0; border-bottom: 1px solid var(--border); }
table.invoices td { padding: 10px 0; border-bottom: 1px solid var(--border); font-variant-numeric: tabular-nums; }
table.invoices .amount { text-align: right; }
table.invoices th + th, table.invoices td + td { padding-left: 16px; }
table.invoices th:last-child, table.invoices td:last-child { text-align: right; padding-left: 24px; width: 1%; white-space: nowrap; }
.status { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.8rem; font-weight: 600; background: var(--success-bg); color: var(--success); }
.status--warn { background: var(--danger-bg); color: var(--danger); }
/* Billing portal */
.notice--success { border-color: var(--success); background: var(--success-bg); color: var(--success); margin: 0 0 20px; font-size: 0.95rem; }
.actions--start { margin-top: 12px; }
.actions--start .button { flex: 0 0 auto; }
.inline-form { display: contents; }
.button--danger { background: var(--danger); color: #ffffff; }
.button--danger:hover { background: var(--danger); color: #ffffff; filter: brightness(0.92); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.eyebrow a { color: var(--muted); text-decoration: none; }
.eyebrow a:hover { color: var(--text); }
.plan-options { border: 0; padding: 0; margin: 0; display: grid; gap: 10px; }
.plan-option {
  display: grid; grid-template-columns: auto 1fr auto; grid-template-areas: "radio name price" "radio credits credits";
  gap: 2px 12px; align-items: center; cursor: pointer;
  border: 1px solid var(--input-border); border-radius: 10px; padding: 12px 16px;
}
.plan-option:has(input:checked) { border-color: var(--accent); box-shadow: 0 0 0 3px var(--focus); }
.plan-option--current { cursor: default; opacity: 0.75; }
.plan-option input { grid-area: radio; accent-color: var(--accent); }
.plan-option-name { grid-area: name; font-weight: 600; }
.plan-option-price { grid-area: price; font-variant-numeric: tabular-nums; }
.plan-option-credits { grid-area: credits; font-size: 0.875rem; }
.payment-methods, .editor-sessions { list-style: none; padding: 0; margin: 0; }
.payment-method, .editor-session { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; padding: 10px 0; border-bottom: 1px solid var(--border); }
.payment-method .card-label { font-weight: 600; }
.payment-method .row-actions { margin-left: auto; display: flex; gap: 8px; }
.editor-session form { margin-left: auto; }
.topbar-action { margin-left: 12px; }
.button--small { padding: 5px 10px; font-size: 0.85rem; }
.alert--action { color: var(--text); }
.alert--action p { margin: 0 0 8px; }
.alert--action strong { color: var(--danger); }
.field--checkbox label { display: flex; gap: 8px; align-items: center; font-weight: 500; }
.field--checkbox input { accent-color: var(--accent); width: 16px; height: 16px; }
.footer { text-align: center; color: var(--muted); font-size: 0.8rem; padding: 0 24px 24px; }

/* 3-D Secure challenge: its two button forms side by side; test card numbers kept whole. */
.actions--split > form { flex: 1; }
.notice code { white-space: nowrap; }

/* The outbox pages */
table.outbox { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
table.outbox th { text-align: left; color: var(--muted); font-weight: 550; font-size: 0.85rem; padding: 8px 12px 8px 0; border-bottom: 1px solid var(--border); }
table.outbox td { padding: 10px 12px 10px 0; border-bottom: 1px solid var(--border); vertical-align: top; }
table.outbox .email-date, table.outbox .email-delivery { white-space: nowrap; font-variant-numeric: tabular-nums; }
.email-body { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--surface-alt); border: 1px solid var(--border); border-radius: 8px; padding: 16px; font-size: 0.9rem; line-height: 1.45; }

/* The organization console: a wide card with a row of tabs, and tables of users, groups and lines. */
.card--console { max-width: 1040px; }
.console-org { color: var(--muted); font-size: 0.875rem; margin: 0 0 8px; }
.tabs { display: flex; flex-wrap: wrap; gap: 4px; border-bottom: 1px solid var(--border); margin: 0 0 20px; }
.tab { padding: 8px 12px; color: var(--muted); text-decoration: none; border-bottom: 2px solid transparent; margin-bottom: -1px; font-size: 0.9rem; }
.tab:hover { color: var(--text); }
.tab--active { color: var(--text); border-bottom-color: var(--accent); font-weight: 550; }
table.console { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
table.console th { text-align: left; color: var(--muted); font-weight: 550; font-size: 0.85rem; padding: 8px 12px 8px 0; border-bottom: 1px solid var(--border); }
table.console td { padding: 10px 12px 10px 0; border-bottom: 1px solid var(--border); vertical-align: top; }
table.console .number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }

/* The organization console's Users, Groups, Settings and Audit log: a toolbar of one field and its
   button, the actions above the users table, the pager, and plain lists of the people an action is for. */
.console-toolbar { display: flex; align-items: flex-start; gap: 12px; flex-wrap: wrap; margin: 0 0 16px; }
.console-toolbar .field { flex: 1 1 280px; margin-bottom: 0; }
.console-toolbar .field .field-error, .console-toolbar .field .hint { margin-bottom: 0; }
/* Level with the input, below its label (a hint or an error may follow the input). */
.console-toolbar > .button { margin-top: calc(0.9rem * 1.5 + 6px); }
.console-actions { margin: 0 0 8px; }
table.console input[type="checkbox"] { width: 16px; height: 16px; margin: 2px 0 0; }
table.console .user-scheduled { white-space: nowrap; }
table.console .user-scheduled .button { margin-left: 6px; }
table.console .audit-change { color: var(--muted); }
.pager { display: flex; align-items: center; justify-content: flex-end; gap: 12px; margin: 12px 0 24px; }
.button--disabled { opacity: 0.45; pointer-events: none; }
.console-list { margin: 0 0 16px; padding-left: 20px; }
/* Pending is a state, not a problem: not charged until the first sign-in from the editor. */
.status--pending { color: var(--muted); background: var(--surface-alt); box-shadow: inset 0 0 0 1px var(--border); }

/* The console's overage caps tab: the target's select looks like the text inputs. */
.field select {
  width: 100%; font: inherit; color: var(--text);
  background: var(--surface); border: 1px solid var(--input-border); border-radius: 8px; padding: 10px 12px;
}
.field select:focus { outline: none; border-color: var(--accent); box-shadow: 0 0 0 4px var(--focus); }
.field select[aria-invalid="true"] { border-color: var(--danger); }
#cap-form-heading { margin-top: 28px; }
table#caps { margin-top: 12px; }
#cap-form { max-width: 440px; }

/* The console's API tokens tab: a new token's secret, whole on one selectable line. */
.token-secret code { display: block; padding: 12px; background: var(--surface-alt); border: 1px solid var(--border); border-radius: 8px; font-size: 0.95rem; overflow-wrap: anywhere; user-select: all; }
.token-create { max-width: 420px; }

/* The organization console's Invoices tab: the month so far marked as a draft, totals in the table foot. */
.status--draft { background: var(--surface-alt); color: var(--muted); margin-left: 8px; vertical-align: middle; }
table.invoice-lines tfoot td { font-weight: 650; padding-top: 12px; }
#current-invoice { margin-bottom: 28px; }
#no-invoices, table.invoice-lines td.empty { color: var(--muted); }
`;
