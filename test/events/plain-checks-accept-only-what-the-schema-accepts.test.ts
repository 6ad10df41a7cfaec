import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { validateEvent, validateEventBySchema } from '../../src/events/validate-event.js';
import { sampleEvent } from '../helpers/events.js';

const agree = (value: unknown) => {
  const fast = validateEvent(value);
  const schema = validateEventBySchema(value);
  assert.equal(
    fast.ok,
    schema.ok,
    `plain checks say ${fast.ok}, the schema says ${schema.ok}: ${JSON.stringify(value)}`,
  );
  if (fast.ok && schema.ok) assert.deepEqual(fast.event, schema.event);
};

it('the plain checks and the schema agree on every edge of a field type', () => {
  const buy = sampleEvent(0);
  const values: unknown[] = [
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    -(2 ** 31) - 1,
    1.5,
    2.0,
    -0,
    NaN,
    Infinity,
    9007199254740991,
    9007199254740992,
    -1,
    '1',
    '\ud800',
    'a\udc00b',
    '\ud83d\ude00',
    null,
    undefined,
    true,
    [],
    {},
  ];
  for (const field of ['quantity', 'price', 'item_count', 'event_ts', 'username', 'item_type']) {
    for (const v of values) agree({ ...buy, [field]: v });
  }
  agree({ ...buy, password: 'pw' });
  agree({ ...buy, event_type: 'toString' });
  agree(Object.assign(Object.create({ inherited: 1 }), buy));
  agree(JSON.parse(JSON.stringify(buy).replace('{', '{"__proto__":{"x":1},')));
});

it('the plain checks and the schema agree on random edits of real events', () => {
  const event = fc.constantFrom(...Array.from({ length: 5 }, (_, i) => JSON.stringify(sampleEvent(i))));
  const edited = fc
    .tuple(event, fc.nat(), fc.string({ maxLength: 6 }), fc.nat({ max: 8 }))
    .map(([text, at, insert, cut]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(Math.min(text.length, i + cut));
    });
  fc.assert(
    fc.property(edited, (text) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return;
      }
      agree(value);
    }),
    { numRuns: 5000 },
  );
});

it('the plain checks and the schema agree on random values of every field', () => {
  const anyValue = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.bigInt().map(Number),
  );
  fc.assert(
    fc.property(
      fc.nat({ max: 4 }),
      fc.dictionary(
        fc.constantFrom(
          'quantity',
          'price',
          'event_ts',
          'username',
          'guild_name',
          'previous_guild',
          'item_count',
          'extra',
        ),
        anyValue,
      ),
      (kind, fields) => {
        agree({ ...sampleEvent(kind), ...fields });
      },
    ),
    { numRuns: 5000 },
  );
});
