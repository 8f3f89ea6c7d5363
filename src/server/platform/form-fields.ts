// A labelled input with its hint and inline error, wired for screen readers (aria-invalid and
// aria-describedby point at the message).
import { html, type SafeHtml } from './html';

export interface InputOptions {
  id: string;
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password';
  value?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'text';
  placeholder?: string;
  maxlength?: number;
  hint?: string;
  error?: string | undefined;
  autofocus?: boolean;
}

export function inputField(options: InputOptions): SafeHtml {
  const described = describedBy(options);
  return html`<div class="field">
  <label for="${options.id}">${options.label}</label>
  <input id="${options.id}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.value ?? ''}"${attr('autocomplete', options.autocomplete)}${attr('inputmode', options.inputmode)}${attr('placeholder', options.placeholder)}${attr('maxlength', options.maxlength)}${described}${options.autofocus ? html` autofocus` : ''}>
  ${fieldMessages(options)}
</div>`;
}

export interface TextareaOptions {
  id: string;
  name: string;
  label: string;
  value?: string;
  rows?: number;
  maxlength?: number;
  autocomplete?: string;
  hint?: string;
  error?: string | undefined;
}

export function textareaField(options: TextareaOptions): SafeHtml {
  return html`<div class="field">
  <label for="${options.id}">${options.label}</label>
  <textarea id="${options.id}" name="${options.name}" rows="${options.rows ?? 4}"${attr('autocomplete', options.autocomplete)}${attr('maxlength', options.maxlength)}${describedBy(options)}>${options.value ?? ''}</textarea>
  ${fieldMessages(options)}
</div>`;
}

interface FieldMessages {
  id: string;
  hint?: string;
  error?: string | undefined;
}

/** aria-describedby (the error first, then the hint) and aria-invalid for a field's control. */
function describedBy(options: FieldMessages): SafeHtml {
  const ids = [options.error ? `${options.id}-error` : '', options.hint ? `${options.id}-hint` : ''].filter(Boolean).join(' ');
  return html`${attr('aria-describedby', ids || undefined)}${options.error ? html` aria-invalid="true"` : ''}`;
}

function fieldMessages(options: FieldMessages): SafeHtml {
  return html`${options.hint && html`<p class="hint" id="${`${options.id}-hint`}">${options.hint}</p>`}
  ${options.error && html`<p class="field-error" id="${`${options.id}-error`}">${options.error}</p>`}`;
}

export function hiddenField(name: string, value: string): SafeHtml {
  return html`<input type="hidden" name="${name}" value="${value}">`;
}

export function formError(message: string | undefined): SafeHtml {
  return html`${message && html`<div class="alert" role="alert" id="form-error">${message}</div>`}`;
}

function attr(name: string, value: string | number | undefined): SafeHtml {
  return value === undefined ? html`` : html` ${name}="${value}"`;
}
