// What billing did to an account, for whoever tells the user (the emails of the dunning flow:
// the failure, each failed retry, the recovery, the cancellation). Produced only for changes that
// were recorded; nothing here sends anything.
export type BillingEvent =
  /** A renewal (or an in-arrears charge) was declined: the subscription went past due. */
  | {
      kind: 'payment-failed';
      accountId: string;
      at: Date;
      amountCents: number;
      invoiceIds: string[];
      nextRetryAt: Date | null;
      message: string;
    }
  /** An automatic retry was declined; another one follows at `nextRetryAt`. */
  | {
      kind: 'retry-failed';
      accountId: string;
      at: Date;
      attempt: number;
      amountCents: number;
      nextRetryAt: Date;
      message: string;
    }
  /** The outstanding balance was paid, by a retry or by the user: the paid plan is back. */
  | {
      kind: 'payment-recovered';
      accountId: string;
      at: Date;
      amountCents: number;
      invoiceIds: string[];
      by: 'retry' | 'customer';
    }
  /** The last retry was declined: the subscription is canceled and its unpaid invoices written off (void). */
  | {
      kind: 'subscription-canceled';
      accountId: string;
      at: Date;
      canceledPlanId: string;
      voidedInvoiceIds: string[];
      writtenOffCents: number;
      message: string;
    };
