// The card inputs of every card form (the checkout, Add payment method). The number and CVC are
// never filled back in: only the name and the expiry are kept after an error.
import type { CardField } from './card-fields';
import type { FieldErrors } from '../platform/form-body';
import { html, type SafeHtml } from '../platform/html';
import { SANDBOX_CARDS } from './sandbox';
import { inputField } from '../platform/form-fields';

export function cardInputs(kept: { cardholderName: string; cardExpiry: string }, errors: FieldErrors<CardField>): SafeHtml {
  return html`${inputField({ id: 'cardholder-name', name: 'cardholder_name', label: 'Name on card', value: kept.cardholderName, autocomplete: 'cc-name', maxlength: 200, error: errors.cardholderName })}
      ${inputField({ id: 'card-number', name: 'card_number', label: 'Card number', autocomplete: 'cc-number', inputmode: 'numeric', placeholder: '1234 1234 1234 1234', maxlength: 23, error: errors.cardNumber })}
      <div class="field-row">
        ${inputField({ id: 'card-expiry', name: 'card_expiry', label: 'Expiry', value: kept.cardExpiry, autocomplete: 'cc-exp', inputmode: 'numeric', placeholder: 'MM/YY', maxlength: 7, error: errors.cardExpiry })}
        ${inputField({ id: 'card-cvc', name: 'card_cvc', label: 'CVC', autocomplete: 'cc-csc', inputmode: 'numeric', placeholder: '123', maxlength: 4, error: errors.cardCvc })}
      </div>`;
}

/** Test mode only: the sandbox's cards and what each does. */
export function testCardsNotice(): SafeHtml {
  return html`<div class="notice" id="test-cards">Test mode: pay with <code>${spaced(SANDBOX_CARDS.success)}</code>, any future expiry and any CVC. <code>${spaced(SANDBOX_CARDS.declined)}</code> is declined; <code>${spaced(SANDBOX_CARDS.insufficientFunds)}</code> has insufficient funds; <code>${spaced(SANDBOX_CARDS.declinesAfterFirstCharge)}</code> pays today and declines later charges; <code>${spaced(SANDBOX_CARDS.requiresAuthentication)}</code> asks for 3-D Secure.</div>`;
}

function spaced(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}
