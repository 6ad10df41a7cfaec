import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { matchCanonicalEvent } from '../../src/events/canonical-event.js';
import { eventBuilders } from '../../src/events/event-builders.js';
import { eventFields, eventTypes } from '../../src/events/event-schemas.js';
import type { FieldType } from '../../src/events/field-types.js';
import { validateEventBySchema } from '../../src/events/validate-event.js';

/** What the fast path may say: nothing, or exactly what the schema says of the parsed record. */
function agrees(text: string): boolean {
  const canonical = matchCanonicalEvent(text);
  if (!canonical) return false;
  const validation = validateEventBySchema(JSON.parse(text));
  assert.ok(validation.ok, `matched but refused by the schema (${validation.ok ? '' : validation.reason}): ${text}`);
  assert.equal(canonical.eventType, validation.eventType, text);
  assert.equal(canonical.eventTs, validation.event.event_ts, text);
  return true;
}

it('every event the typed builders make, as the server writes it, is recognised with its type and time', () => {
  const envelope = {
    event_ts: 1_796_000_000_000,
    accept: '*/*',
    host: 'alice.comcast.com',
    user_agent: 'curl/8.5.0 "quoted" \\ é 😀',
    username: 'alice',
  };
  const events = [
    eventBuilders.default({ ...envelope, username: null, accept: null }),
    eventBuilders.signup(envelope),
    eventBuilders.login({ ...envelope, user_agent: null }),
    eventBuilders.buy_item({
      ...envelope,
      item_type: 'sword',
      item_category: 'weapon',
      item_quality: 'rare',
      quantity: 1000,
      price: 12.35,
      total_price: 12350.01,
      item_count: 2 ** 40,
      inventory_count: 0,
    }),
    eventBuilders.join_guild({ ...envelope, guild_name: 'Knights\n\t"of" \u0001', previous_guild: null }),
    eventBuilders.join_guild({ ...envelope, event_ts: 0, guild_name: 'a', previous_guild: 'b' }),
    // Given in any order, a builder lays the fields out in schema order.
    eventBuilders.join_guild({
      previous_guild: 'b',
      guild_name: 'a',
      username: 'bob',
      user_agent: 'ua',
      host: 'h',
      accept: '*/*',
      event_ts: 5,
    }),
  ];
  for (const event of events) assert.ok(agrees(JSON.stringify(event)), `not recognised: ${JSON.stringify(event)}`);
});

/** Values of each type, half of them at the edges of what the schema accepts. */
const valuesOfType: Record<FieldType, fc.Arbitrary<unknown>> = {
  string: fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('\ud800', 'a\udfff', '\ud83d\ude00', '\u0000', '\\u', '"', '\u2028'),
  ),
  int32: fc.oneof(
    fc.integer(),
    fc.constantFrom(2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 999_999_999, 1_000_000_000),
  ),
  int64: fc.oneof(
    fc.integer(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 999_999_999_999_999, -1e15, 1e16),
  ),
  double: fc.oneof(fc.double(), fc.integer(), fc.constantFrom(1e21, 1e-7, -0, 0.1 + 0.2, 1.7976931348623157e308)),
  timestamp_ms: fc.oneof(
    fc.nat(),
    fc.integer(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, 999_999_999_999_999, 1e15, 1.5),
  ),
  boolean: fc.boolean(),
};
const anyValue = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
);

/** An event of a type with each field in schema order: mostly a value of its type, sometimes null, any value, or left out (most events are valid). */
const eventText = fc
  .constantFrom(...eventTypes)
  .chain((type) =>
    fc
      .tuple(
        ...eventFields(type).map((field) =>
          field.name === 'event_type'
            ? fc.constant(type as unknown)
            : fc.oneof(
                { weight: 40, arbitrary: valuesOfType[field.type] },
                { weight: 1, arbitrary: fc.constant(null) },
                { weight: 1, arbitrary: anyValue },
                { weight: 1, arbitrary: fc.constant(undefined) },
              ),
        ),
      )
      .map((values) =>
        JSON.stringify(Object.fromEntries(eventFields(type).map((field, i) => [field.name, values[i]]))),
      ),
  );

it('what it recognises among random events the schema accepts too, with the same type and time', () => {
  let recognised = 0;
  fc.assert(
    fc.property(eventText, (text) => {
      if (agrees(text)) recognised++;
    }),
    { numRuns: 20_000 },
  );
  assert.ok(recognised > 1000, `only ${recognised} recognised: the property would say little`);
});

it('what it recognises among random edits of canonical events the schema accepts too', () => {
  const canonical = fc.constantFrom(
    ...eventTypes.map((type) =>
      JSON.stringify(
        fc.sample(
          eventText.filter((t) => JSON.parse(t).event_type === type && matchCanonicalEvent(t) !== undefined),
          1,
        )[0],
      ),
    ),
  );
  const edited = fc
    .tuple(canonical, fc.nat(), fc.string({ unit: 'binary', maxLength: 6 }), fc.nat({ max: 8 }))
    .map(([quoted, at, insert, cut]) => {
      const text = JSON.parse(quoted) as string;
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(Math.min(text.length, i + cut));
    });
  fc.assert(
    fc.property(edited, (text) => {
      agrees(text);
    }),
    { numRuns: 20_000 },
  );
});

it('refuses escaped lone surrogates, and long values spoilt at their end (a pattern that backtracked exponentially would never finish here)', () => {
  const buy = JSON.stringify(
    eventBuilders.buy_item({
      event_ts: 1,
      accept: null,
      host: null,
      user_agent: null,
      username: 'u',
      item_type: 'sword',
      item_category: 'weapon',
      item_quality: 'common',
      quantity: 1,
      price: 1,
      total_price: 1,
      item_count: 1,
      inventory_count: 1,
    }),
  );
  for (const lone of ['\\ud800', '\\uDBFF', '\\udc00', '\\uDFFF'])
    assert.equal(matchCanonicalEvent(buy.replace('sword', lone)), undefined, lone);
  assert.ok(agrees(buy.replace('sword', '\\ud7ff\\ue000\\u00e9')));
  const long = (n: number) => 'a"\\é'.repeat(n);
  const hostile = JSON.stringify(
    eventBuilders.buy_item({
      event_ts: 1,
      accept: long(30_000),
      host: long(30_000),
      user_agent: long(30_000),
      username: long(30_000),
      item_type: long(30_000),
      item_category: 'w',
      item_quality: 'c',
      quantity: 1,
      price: 1,
      total_price: 1,
      item_count: 1,
      inventory_count: 1,
    }),
  );
  assert.ok(agrees(hostile), 'long values of every kind of character are recognised');
  for (const spoilt of [
    hostile.slice(0, -1) + ',}',
    hostile.replace('"item_category":"w"', '"item_category":"w\\x"'),
    hostile.replace('"quantity":1', '"quantity":1.0'),
  ]) {
    assert.equal(matchCanonicalEvent(spoilt), undefined);
  }
});
