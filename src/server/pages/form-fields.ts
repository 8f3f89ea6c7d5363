// A labelled input with its hint and inline error, wired for screen readers (aria-invalid and
// aria-describedby point at the message).
import { html, type SafeHtml } from '../html';

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
  const errorId = `${options.id}-error`;
  const hintId = `${options.id}-hint`;
  const describedBy = [options.error ? errorId : '', options.hint ? hintId : ''].filter(Boolean).join(' ');
  return html`<div class="field">
  <label for="${options.id}">${options.label}</label>
  <input id="${options.id}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.value ?? ''}"${attr('autocomplete', options.autocomplete)}${attr('inputmode', options.inputmode)}${attr('placeholder', options.placeholder)}${attr('maxlength', options.maxlength)}${attr('aria-describedby', describedBy || undefined)}${options.error ? html` aria-invalid="true"` : ''}${options.autofocus ? html` autofocus` : ''}>
  ${options.hint && html`<p class="hint" id="${hintId}">${options.hint}</p>`}
  ${options.error && html`<p class="field-error" id="${errorId}">${options.error}</p>`}
</div>`;
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

/** A labelled multi-line text box, wired like `inputField` (sandbox3ds slice: Contact Sales). */
export function textareaField(options: Pick<InputOptions, 'id' | 'name' | 'label' | 'value' | 'maxlength' | 'hint' | 'error'> & { rows?: number }): SafeHtml {
  const errorId = `${options.id}-error`;
  const hintId = `${options.id}-hint`;
  const describedBy = [options.error ? errorId : '', options.hint ? hintId : ''].filter(Boolean).join(' ');
  return html`<div class="field">
  <label for="${options.id}">${options.label}</label>
  <textarea id="${options.id}" name="${options.name}" rows="${options.rows ?? 6}"${attr('maxlength', options.maxlength)}${attr('aria-describedby', describedBy || undefined)}${options.error ? html` aria-invalid="true"` : ''}>${options.value ?? ''}</textarea>
  ${options.hint && html`<p class="hint" id="${hintId}">${options.hint}</p>`}
  ${options.error && html`<p class="field-error" id="${errorId}">${options.error}</p>`}
</div>`;
}
