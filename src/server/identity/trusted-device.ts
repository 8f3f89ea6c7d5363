// OWASP's device cookie: a browser that has signed in to an account carries proof of it, so that
// an attacker who fills the account's failure limit does not lock its owner out of their own
// browser. The cookie is `<account id>.<device id>.<HMAC>` under a key that lives in this process
// only: a restart (or another process) turns every device back into an unknown one, which then
// meets the ordinary per-account limit — safe, merely less convenient.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../platform/secrets';

export const DEVICE_COOKIE = 'tally_device';
const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 24 * 60 * 60;

export class TrustedDevices {
  private readonly key = randomBytes(32);

  /** After a successful sign-in: this browser is now a known device of the account. */
  remember(reply: FastifyReply, accountId: string, secure: boolean): void {
    const value = `${accountId}.${randomToken(16)}`;
    reply.setCookie(DEVICE_COOKIE, `${value}.${this.mac(value)}`, {
      // Sent only with the sign-in form; SameSite=Strict because that form is always posted from our own page.
      path: '/signin',
      httpOnly: true,
      sameSite: 'strict',
      secure,
      maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
    });
  }

  /** The device id when the request carries a genuine cookie of this server for `accountId`. */
  deviceOf(request: FastifyRequest, accountId: string): string | undefined {
    const [account, device, mac, ...rest] = (request.cookies[DEVICE_COOKIE] ?? '').split('.');
    if (rest.length > 0 || account !== accountId || !device || !mac) return undefined;
    const expected = Buffer.from(this.mac(`${account}.${device}`));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? device : undefined;
  }

  private mac(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }
}
