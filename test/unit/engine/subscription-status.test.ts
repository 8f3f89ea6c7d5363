import assert from 'node:assert/strict';
import {
  hasPaidAccess,
  IllegalTransitionError,
  transition,
  type SubscriptionEvent,
  type SubscriptionStatus,
} from '../../../src/engine/subscription-status';

describe('engine/subscription-status', () => {
  const legal: [SubscriptionStatus, SubscriptionEvent, SubscriptionStatus][] = [
    ['pending', 'activate', 'active'],
    ['pending', 'cancel', 'canceled'],
    ['active', 'payment-failed', 'past_due'],
    ['active', 'cancel', 'canceled'],
    ['past_due', 'payment-failed', 'past_due'],
    ['past_due', 'payment-recovered', 'active'],
    ['past_due', 'cancel', 'canceled'],
    ['canceled', 'reactivate', 'active'],
  ];

  for (const [from, event, to] of legal) {
    it(`${from} --${event}--> ${to}`, () => assert.equal(transition(from, event), to));
  }

  it('refuses every other transition with a clear error', () => {
    const statuses: SubscriptionStatus[] = ['pending', 'active', 'past_due', 'canceled'];
    const events: SubscriptionEvent[] = ['activate', 'payment-failed', 'payment-recovered', 'cancel', 'reactivate'];
    let refused = 0;
    for (const from of statuses) {
      for (const event of events) {
        if (legal.some(([f, e]) => f === from && e === event)) continue;
        assert.throws(
          () => transition(from, event),
          (e: Error) => e instanceof IllegalTransitionError && e.message.includes(event),
        );
        refused++;
      }
    }
    assert.equal(refused, statuses.length * events.length - legal.length);
    assert.throws(
      () => transition('canceled', 'payment-recovered'),
      /A canceled subscription cannot take the event "payment-recovered"/,
    );
  });

  it('gives paid access only while active', () => {
    assert.deepEqual((['pending', 'active', 'past_due', 'canceled'] as const).map(hasPaidAccess), [false, true, false, false]);
  });
});
