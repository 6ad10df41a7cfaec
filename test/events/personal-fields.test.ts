import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  newPlayerKey,
  openPersonalFields,
  pseudonymOfKey,
  sealedKeyIds,
  sealPersonalFields,
} from '../../src/events/personal-fields.js';
import { validateEvent } from '../../src/events/validate-event.js';
import { sampleEvent } from '../helpers/events.js';

describe('personal fields sealed in the log', () => {
  it('seals username and user_agent with the player key, and opens them back to the same JSON', () => {
    const key = newPlayerKey();
    const event = sampleEvent(3);
    const sealed = JSON.stringify(sealPersonalFields(event, key));
    assert.ok(!sealed.includes(String(event.username)) && !sealed.includes('"test"'), sealed);
    assert.match(sealed, /"username":"gpe1:[0-9a-f]{24}:/);
    assert.ok(validateEvent(JSON.parse(sealed)).ok, 'a sealed event is still a valid event');
    assert.deepEqual(sealedKeyIds(sealed), [key.id]);
    assert.equal(
      openPersonalFields(sealed, (id) => (id === key.id ? key.key : null)),
      JSON.stringify(event),
    );
  });

  it('a record whose key is gone opens to the pseudonym, without its user agent', () => {
    const key = newPlayerKey();
    const event = sampleEvent(1);
    const opened = JSON.parse(openPersonalFields(JSON.stringify(sealPersonalFields(event, key)), () => null));
    assert.equal(opened.username, pseudonymOfKey(key.id));
    assert.equal(opened.user_agent, null);
    assert.equal(opened.event_id, event.event_id);
    assert.ok(validateEvent(opened).ok, 'it lands as a row, not a dead letter');
  });

  it('another key does not open it', () => {
    const sealed = JSON.stringify(sealPersonalFields(sampleEvent(2), newPlayerKey()));
    const other = newPlayerKey().key;
    assert.match(JSON.parse(openPersonalFields(sealed, () => other)).username, /^erased-/);
  });
});
