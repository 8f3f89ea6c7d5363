// Tally: Try a Metered Request — spends a small random cost through the PUBLIC API, exactly as
// another extension would (through `getExtension('tally.tally').exports`), so that a person can
// watch enforcement work: the status item counts down, and a refusal names its remedy.
import { randomInt } from 'node:crypto';
import * as vscode from 'vscode';
import { formatCredits } from '../protocol/format';
import type { TallyApi, TallyRemedy } from './public-api';
import { TALLY_API_VERSION } from './public-api';

/** What the command returns (plain JSON, for tests and scripts). */
export type MeteredRequestResult =
  { ok: true; credits: number } | { ok: false; credits: number; reason: string; remedy: TallyRemedy; message: string };

/** The button a refusal offers, and the command it runs. */
const REMEDY_ACTIONS: Partial<Record<TallyRemedy, [string, string, ...unknown[]]>> = {
  upgrade: ['Upgrade Plan', 'tally.upgradePlan'],
  enable_overage: ['Enable Overage', 'tally.setOverage', true],
  raise_overage_cap: ['Manage Plan', 'tally.managePlan'],
  pay_outstanding_balance: ['Pay Outstanding Balance', 'tally.managePlan'],
  sign_in: ['Sign In', 'tally.signIn'],
};

/** `cost` (hundredths) is for tests; people get a random 1–20 credits. */
export async function tryMeteredRequest(cost?: number): Promise<MeteredRequestResult> {
  const api = vscode.extensions.getExtension<TallyApi>('tally.tally')?.exports;
  if (!api || api.apiVersion !== TALLY_API_VERSION) throw new Error('The Tally API is not available.');
  const credits = typeof cost === 'number' ? cost : randomInt(1, 21) * 100;
  const reserved = await api.reserveWhenReady(credits, { feature: 'tally-demo', model: 'demo' });
  if (!reserved.ok) {
    const action = REMEDY_ACTIONS[reserved.remedy];
    const text = `Tally refused a request of ${formatCredits(credits)} credits: ${reserved.message}`;
    void (action ? vscode.window.showWarningMessage(text, action[0]) : vscode.window.showWarningMessage(text)).then(
      (choice) => action && choice === action[0] && vscode.commands.executeCommand(action[1], ...action.slice(2)),
    );
    return { ok: false, credits, reason: reserved.reason, remedy: reserved.remedy, message: reserved.message };
  }
  const committed = api.commit(reserved.reservation, credits);
  if (!committed.ok) throw new Error(committed.message);
  void vscode.window.showInformationMessage(`Tally: a metered request spent ${formatCredits(credits)} credits.`);
  return { ok: true, credits };
}
