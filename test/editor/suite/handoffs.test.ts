// The one-time rule of browser hand-offs, inside the extension host: a state is accepted once, for
// its own kind, before it expires; everything else is refused.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HandoffCanceledError, Handoffs } from '../../../src/extension/handoffs';

const STATE = 'state-0123456789abcdef';
const returned = (state: string, extra: Record<string, string> = {}) => new URLSearchParams({ state, ...extra });

describe('Handoffs', () => {
  it('delivers a return once, with its parameters', async () => {
    const handoffs = new Handoffs();
    const waiting = handoffs.expect('auth', STATE);
    assert.equal(handoffs.settle('auth', returned(STATE, { code: 'c1' })), true);
    assert.equal((await waiting).get('code'), 'c1');
    assert.equal(handoffs.settle('auth', returned(STATE, { code: 'c2' })), false, 'a used state is refused');
  });

  it('refuses unknown states, missing states and returns of another kind', () => {
    const handoffs = new Handoffs();
    void handoffs.expect('checkout', STATE).catch(() => undefined);
    assert.equal(handoffs.settle('checkout', returned('never-issued-state')), false);
    assert.equal(handoffs.settle('checkout', new URLSearchParams()), false);
    assert.equal(handoffs.settle('auth', returned(STATE)), false, 'a checkout state cannot complete a sign-in');
    assert.equal(handoffs.settle('checkout', returned(STATE)), true, 'and the refusals did not use it up');
    handoffs.dispose();
  });

  it('refuses a return that comes after the hand-off expired', async () => {
    let now = 1_000;
    const handoffs = new Handoffs(() => now);
    const waiting = handoffs.expect('checkout', STATE);
    now += 31 * 60 * 1000;
    assert.equal(handoffs.settle('checkout', returned(STATE)), false);
    await assert.rejects(waiting, /took too long/);
  });

  it('stops waiting when the user cancels', async () => {
    const handoffs = new Handoffs();
    const cancel = new vscode.CancellationTokenSource();
    const waiting = handoffs.expect('auth', STATE, cancel.token);
    cancel.cancel();
    await assert.rejects(waiting, HandoffCanceledError);
    assert.equal(handoffs.settle('auth', returned(STATE)), false, 'a canceled state is refused');
  });
});
