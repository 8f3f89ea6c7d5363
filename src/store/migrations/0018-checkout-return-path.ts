// A checkout's 3-D Secure challenge used to return to /checkout/<token>/authenticated, and the
// sandbox processor keeps the return path (payment_authentications.return_path): the raw token of
// the checkout page sat in the database. Checkouts now return to the fixed /checkout/authenticated,
// with the token in a cookie of the browser (checkout/challenge-cookie.ts). The rows from before are
// rewritten to that path, so no raw token stays stored. A challenge that was open at the upgrade
// then returns without the cookie: the page says so, nothing is charged, and the checkout is started
// again from the editor (an authentication lives one hour).
import type { Migration } from './migration';

export const checkoutReturnPath: Migration = {
  version: 18,
  name: 'checkout-return-path',
  sql: `
UPDATE payment_authentications SET return_path = '/checkout/authenticated'
 WHERE purpose = 'checkout' AND return_path <> '/checkout/authenticated';
`,
};
