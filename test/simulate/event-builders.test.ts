import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eventBuilders } from '../../src/events/event-builders.js';
import { validateEvent } from '../../src/events/validate-event.js';

const buy = {
  event_ts: 1_700_000_000_000,
  username: 'p1',
  item_type: 'sword',
  item_category: 'weapon',
  item_quality: 'rare',
  quantity: 2,
  price: 300,
  total_price: 600,
  item_count: 2,
  inventory_count: 5,
};

it('one typed constructor per event type builds events the schemas accept, with an id when none is given', () => {
  const events = [
    eventBuilders.default({ event_ts: 1, accept: '*/*', host: null, user_agent: null, username: null }),
    eventBuilders.signup({ event_ts: 2, username: 'p1' }),
    eventBuilders.login({ event_ts: 3, username: 'p1', event_id: '0190a000-0000-7000-8000-000000000000' }),
    eventBuilders.buy_item(buy),
    eventBuilders.join_guild({ event_ts: 4, username: 'p1', guild_name: 'knights', previous_guild: null }),
  ];
  assert.deepEqual(
    events.map((e) => e.event_type),
    ['default', 'signup', 'login', 'buy_item', 'join_guild'],
  );
  for (const event of events)
    assert.equal(validateEvent(JSON.parse(JSON.stringify(event))).ok, true, JSON.stringify(event));
  assert.match(events[0]!.event_id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(events[2]!.event_id, '0190a000-0000-7000-8000-000000000000');
});

it('a missing, unknown or mistyped field is a compile error (checked by tsc when the tests build)', () => {
  const { total_price: _, ...withoutTotal } = buy;
  // @ts-expect-error total_price is required by the buy_item schema
  assert.equal(validateEvent(JSON.parse(JSON.stringify(eventBuilders.buy_item(withoutTotal)))).ok, false);
  // @ts-expect-error a password is no field of any event
  assert.equal(validateEvent(eventBuilders.signup({ event_ts: 2, username: 'p1', password: 'pw' })).ok, false);
  // @ts-expect-error quantity is a number
  assert.equal(validateEvent(eventBuilders.buy_item({ ...buy, quantity: '2' })).ok, false);
  // @ts-expect-error event_ts is required in every event
  assert.equal(validateEvent(eventBuilders.login({ username: 'p1' })).ok, false);
});
