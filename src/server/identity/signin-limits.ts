// How many failures the sign-in allows, and for how long they count. Only failures count (a wrong
// password, a sign-in code that does not redeem): an owner who signs in correctly a hundred times
// an hour is never held, and an attacker's guesses expire with their window.
export interface SignInLimits {
  /** Wrong passwords for one email (from browsers that have not signed in to it) per window. */
  failuresPerAccount: number;
  /** Wrong passwords from one browser that has signed in to the account before (its device cookie). */
  failuresPerDevice: number;
  /** Wrong passwords from one client address, any emails (password spraying), per window. */
  failuresPerAddress: number;
  /** Refused code exchanges (POST /api/token) from one client address per window. */
  tokenFailuresPerAddress: number;
  /** How long a failure counts: the window opens at the first failure and the count restarts after it. */
  windowMs: number;
}

export const SIGN_IN_LIMITS: SignInLimits = {
  failuresPerAccount: 10,
  failuresPerDevice: 10,
  failuresPerAddress: 100,
  tokenFailuresPerAddress: 30,
  windowMs: 15 * 60 * 1000,
};

/** "15 minutes", "1 minute", "40 seconds": when to try again, in words. */
export function waitInWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
