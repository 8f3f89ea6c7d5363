// The sign-in's failure limits, all in one place, counted by @fastify/rate-limit's manual limiter
// (`createRateLimit`): it peeks before the password is checked (`{ increment: false }`) and counts
// only when the check fails. The library cannot express this on its own: its route limits count
// every request as it arrives, and they run before the handler knows whether the email has a
// trusted device here. So the handler decides the key (the email, the device, the address) and
// the library counts, on the server's clock (platform/clock-rate-store.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { waitInWords, type SignInLimits } from './signin-limits';

export interface Held {
  retryAfterSeconds: number;
  message: string;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

export class SignInThrottle {
  private readonly keys = new WeakMap<FastifyRequest, string>();
  private readonly account: Limiter;
  private readonly device: Limiter;
  private readonly address: Limiter;
  private readonly token: Limiter;

  /** `app` must have @fastify/rate-limit registered (registerRateLimit). */
  constructor(app: FastifyInstance, limits: SignInLimits) {
    const limiter = (max: number) =>
      app.createRateLimit({ max, timeWindow: limits.windowMs, keyGenerator: (request) => this.keys.get(request) ?? request.ip });
    this.account = limiter(limits.failuresPerAccount);
    this.device = limiter(limits.failuresPerDevice);
    this.address = limiter(limits.failuresPerAddress);
    this.token = limiter(limits.tokenFailuresPerAddress);
  }

  /**
   * Whether a password check for `email` may run now. A browser with the account's device cookie
   * (`device`) is held only by its own failures, never by the account's or the address's: that is
   * how the owner still signs in while someone hammers their email.
   */
  async signInHeld(request: FastifyRequest, email: string, device: string | undefined): Promise<Held | undefined> {
    if (device) return held(await this.wait(this.device, request, device), 'Too many failed sign-in attempts from this browser.');
    const address = held(
      await this.wait(this.address, request, request.ip),
      'Too many failed sign-in attempts from your network.',
    );
    return (
      address ?? held(await this.wait(this.account, request, accountKey(email)), 'Too many sign-in attempts for this email.')
    );
  }

  /** A wrong password: it counts against the address and the account, or only against the known device. */
  async signInFailed(request: FastifyRequest, email: string, device: string | undefined): Promise<void> {
    if (device) return this.count(this.device, request, device);
    await this.count(this.address, request, request.ip);
    await this.count(this.account, request, accountKey(email));
  }

  /** Whether this address may try to redeem a sign-in code now. */
  async tokenHeld(request: FastifyRequest): Promise<Held | undefined> {
    return held(await this.wait(this.token, request, request.ip), 'Too many refused sign-in codes from your network.');
  }

  async tokenFailed(request: FastifyRequest): Promise<void> {
    return this.count(this.token, request, request.ip);
  }

  /** Seconds until `key` may fail again, once its failures reach the limit (the library's own test, current > max, would allow one more). */
  private async wait(limiter: Limiter, request: FastifyRequest, key: string): Promise<number | undefined> {
    this.keys.set(request, key);
    const status = await limiter(request, { increment: false });
    return status.isAllowed || status.remaining > 0 ? undefined : Math.max(1, status.ttlInSeconds);
  }

  private async count(limiter: Limiter, request: FastifyRequest, key: string): Promise<void> {
    this.keys.set(request, key);
    await limiter(request);
  }
}

function held(seconds: number | undefined, reason: string): Held | undefined {
  return seconds === undefined
    ? undefined
    : { retryAfterSeconds: seconds, message: `${reason} Try again in ${waitInWords(seconds)}.` };
}

/** Emails match without regard to case (the accounts column is COLLATE NOCASE), and so do their limits. */
function accountKey(email: string): string {
  return email.toLowerCase();
}
