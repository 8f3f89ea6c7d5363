// The bundled enforcement engine in this window: the lease manager, wired to the session and the
// plan state, exposed as the public API (returned from activate) and as commands.
//
// Windows agree through the server: every lease answer carries the account state, so a window that
// spends sees the others' reported usage at once; an idle window refetches on focus and when
// another window signs in or out (extension.ts). Each window's own unreported spending (a few
// seconds' worth at most) is the only part that the others see late.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ApiClient } from '../api-client';
import type {
  CommitCommandArgs,
  Reservation,
  ReleaseCommandArgs,
  ReserveCommandArgs,
  TallyApi,
  TallyBalance,
} from '../public-api';
import { TALLY_API_VERSION } from '../public-api';
import type { SubscriptionService } from '../subscription-service';
import { LeaseManager } from './lease-manager';
import { Outbox } from './report-outbox';

export interface Enforcement extends vscode.Disposable {
  readonly api: TallyApi;
  readonly manager: LeaseManager;
  /** Reports, returns the lease and closes the outbox (deactivate and sign-out wait for it). */
  shutdown(): Promise<void>;
}

export function startEnforcement(
  context: vscode.ExtensionContext,
  client: ApiClient,
  subscription: SubscriptionService,
  log: vscode.LogOutputChannel,
): Enforcement {
  const instanceId = `w${randomBytes(12).toString('base64url')}`;
  const outbox = Outbox.open(context.globalStorageUri.fsPath, instanceId);
  if (outbox.size > 0)
    log.info(`Tally: ${outbox.size} unreported usage records found (from this window's predecessors); sending them.`);
  const manager = new LeaseManager({ server: client, outbox, instanceId });
  const balanceChanged = new vscode.EventEmitter<TallyBalance>();

  const fireBalance = () => {
    const balance = manager.balance();
    if (balance) balanceChanged.fire(balance);
  };
  const stopChange = manager.onDidChange(() => {
    subscription.relive();
    fireBalance();
  });
  const stopAccount = manager.onAccountState((state) => subscription.accept(state));
  subscription.setUnreported(() => manager.unreported());

  const follow = (view = subscription.state) => {
    if (view.kind === 'value') manager.setAccount(view.state.account.id);
    else if (view.kind === 'signedOut') manager.setAccount(undefined);
  };
  follow();
  manager.start();

  const api: TallyApi = {
    apiVersion: TALLY_API_VERSION,
    reserve: (estimate, options) => manager.reserve(estimate, options),
    reserveWhenReady: (estimate, options) => manager.reserveWhenReady(estimate, options),
    commit: (reservation, actualCost) => manager.commit(reservation, actualCost),
    release: (reservation) => manager.release(reservation),
    balance: () => manager.balance(),
    onDidChangeBalance: balanceChanged.event,
  };

  let shutDown: Promise<void> | undefined;
  const disposables = vscode.Disposable.from(
    balanceChanged,
    subscription.onDidChange((view) => follow(view)),
    subscription.onDidFetch((state) => manager.accountRefreshed(state)),
    ...registerCommandForm(manager),
  );
  return {
    api,
    manager,
    shutdown: () => (shutDown ??= manager.dispose()),
    dispose: () => {
      stopChange();
      stopAccount();
      disposables.dispose();
    },
  };
}

/** tally.reserve / tally.commit / tally.release: the API for callers that only have commands (plain JSON). */
function registerCommandForm(manager: LeaseManager): vscode.Disposable[] {
  const object = (args: unknown, name: string): Record<string, unknown> => {
    if (typeof args !== 'object' || args === null) throw new TypeError(`${name} takes one object argument`);
    return args as Record<string, unknown>;
  };
  return [
    vscode.commands.registerCommand('tally.reserve', async (args: ReserveCommandArgs) => {
      const { estimate, feature, model, idempotencyKey } = object(args, 'tally.reserve') as unknown as ReserveCommandArgs;
      // Tracked: the caller comes back with the id alone. The answer is plain JSON.
      const result = await manager.reserveWhenReady(estimate, { feature, model, idempotencyKey }, true);
      if (!result.ok) return result;
      const { id, estimate: reserved, feature: reservedFeature, model: reservedModel } = result.reservation;
      return { ok: true, reservation: { id, estimate: reserved, feature: reservedFeature, model: reservedModel } };
    }),
    vscode.commands.registerCommand('tally.commit', (args: CommitCommandArgs) => {
      const { reservationId, actualCost } = object(args, 'tally.commit') as unknown as CommitCommandArgs;
      if (typeof reservationId !== 'string') throw new TypeError('reservationId must be a string');
      return manager.commit({ id: reservationId } as Reservation, actualCost);
    }),
    vscode.commands.registerCommand('tally.release', (args: ReleaseCommandArgs) => {
      const { reservationId } = object(args, 'tally.release') as unknown as ReleaseCommandArgs;
      if (typeof reservationId !== 'string') throw new TypeError('reservationId must be a string');
      manager.release({ id: reservationId } as Reservation);
      return { ok: true };
    }),
  ];
}
