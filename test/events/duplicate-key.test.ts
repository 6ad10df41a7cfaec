import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { duplicateTopLevelKey } from '../../src/events/duplicate-key.js';

const objectText = (members: [string, unknown][], space: string) =>
  `{${space}${members.map(([k, v]) => `${JSON.stringify(k)}${space}:${space}${JSON.stringify(v)}`).join(`,${space}`)}${space}}`;
const members = fc.uniqueArray(fc.tuple(fc.string({ unit: 'binary', maxLength: 6 }), fc.jsonValue({ maxDepth: 3 })), {
  selector: ([k]) => k,
  maxLength: 8,
});
const space = fc.constantFrom('', ' ', '\n\t');

it('finds no duplicate in an object whose keys are distinct, whatever its values hold (strings, escapes, nested objects)', () => {
  fc.assert(
    fc.property(members, space, (list, gap) => {
      const text = objectText(list, gap);
      assert.equal(duplicateTopLevelKey(text), undefined, text);
    }),
    { numRuns: 2000 },
  );
});

it('finds the key an object names a second time, with any value', () => {
  fc.assert(
    fc.property(
      members.filter((list) => list.length > 0),
      fc.nat(),
      fc.jsonValue({ maxDepth: 3 }),
      space,
      (list, pick, value, gap) => {
        const key = list[pick % list.length]![0];
        const text = objectText([...list, [key, value]], gap);
        assert.equal(duplicateTopLevelKey(text), key, text);
      },
    ),
    { numRuns: 2000 },
  );
});

it('compares keys decoded, and leaves duplicates inside nested values alone', () => {
  assert.equal(duplicateTopLevelKey('{"price":1,"pri\\u0063e":2}'), 'price');
  assert.equal(duplicateTopLevelKey('{"a":{"x":1,"x":2},"b":[{"y":1,"y":2}]}'), undefined);
  assert.equal(duplicateTopLevelKey('{"a":"\\"b\\":1,\\"a\\":2","b":"}{,"}'), undefined);
});
