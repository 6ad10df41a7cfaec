import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateEvent } from '../../src/events/validate-event.js';
import { deadLetterSpec, tableForEventType, tableSpecs } from '../../src/events/tables.js';
import { sampleEvent } from '../helpers/events.js';

describe('event schemas', () => {
  it('accept the events the server writes and refuse wrong types, unknown fields and unknown event types', () => {
    assert.equal(validateEvent(sampleEvent(0)).ok, true);
    assert.equal(validateEvent(sampleEvent(3)).ok, true);
    const wrongType = validateEvent({ ...sampleEvent(0), quantity: '2' });
    assert.equal(wrongType.ok, false);
    assert.match(!wrongType.ok ? wrongType.reason : '', /^quantity: /);
    assert.equal(
      validateEvent({ ...sampleEvent(0), password: 'x' }).ok,
      false,
      'no field outside the schema, secrets least of all',
    );
    assert.equal(validateEvent({ ...sampleEvent(0), item_type: undefined }).ok, false, 'required fields are required');
    assert.deepEqual(validateEvent({ event_type: 'warp' }), {
      ok: false,
      reason: 'unknown event_type "warp"',
      eventType: 'warp',
    });
    assert.deepEqual(validateEvent([1]), { ok: false, reason: 'event is not a JSON object' });
  });

  it('derive each table: log columns, envelope, then the union of its types with nullability from the types', () => {
    const user = tableSpecs.find((t) => t.table === 'events_user')!;
    assert.deepEqual(user.eventTypes, ['signup', 'login']);
    assert.deepEqual(
      user.columns.slice(0, 5).map((c) => c.name),
      ['raw_event', 'timestamp', 'log_partition', 'log_offset', 'event_id'],
    );
    const guild = tableSpecs.find((t) => t.table === 'events_guild')!;
    assert.equal(guild.columns.find((c) => c.name === 'guild_name')!.required, true);
    assert.equal(guild.columns.find((c) => c.name === 'previous_guild')!.required, false);
    assert.equal(tableForEventType('buy_item')!.table, 'events_buy');
    assert.equal(tableForEventType('default'), undefined, 'default events have no table, as in the seed');
    for (const spec of [...tableSpecs, deadLetterSpec]) {
      assert.equal(
        spec.columns.some((c) => /pass|cookie|session/i.test(c.name)),
        false,
        `${spec.table} has no secret column`,
      );
    }
  });
});
