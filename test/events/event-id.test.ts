import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newEventId } from '../../src/events/event-id.js';

it('event ids are RFC 9562 UUIDv7s, unique, in creation order, stamped with the time', () => {
  const before = Date.now();
  const ids = Array.from({ length: 50_000 }, newEventId);
  const after = Date.now();
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual([...ids].sort(), ids, 'string order is creation order');
  for (const id of [ids[0]!, ids.at(-1)!]) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    assert.ok(ms >= before && ms <= after + 50, 'the first 48 bits are the creation time in ms');
  }
});
