import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { EventIdPositions } from '../../src/verify/event-id-positions.js';

/** What verify kept before: a Map keyed by the id without dashes. */
class PlainPositions {
  private readonly ids = new Map<string, number>();

  add(id: string, position: number): number | undefined {
    const key = id.replaceAll('-', '');
    const seen = this.ids.get(key);
    if (seen === undefined) this.ids.set(key, position);
    return seen;
  }
}

const hex32 = fc.bigInt({ min: 0n, max: 2n ** 128n - 1n });
const hexOf = (n: bigint) => BigInt.asUintN(128, n).toString(16).padStart(32, '0');

/** 32 hex digits written as a log might hold them: bare, as a UUID, a dash anywhere, upper or mixed case. */
function spell(hex: string, how: number, at: number): string {
  const i = at % 32;
  switch (how % 5) {
    case 0:
      return hex;
    case 1:
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    case 2:
      return hex.toUpperCase();
    case 3:
      return hex.slice(0, i) + hex[i]!.toUpperCase() + hex.slice(i + 1);
    default:
      return `${hex.slice(0, i)}--${hex.slice(i)}`;
  }
}

const malformed = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constant(''),
  hex32.map((n) => hexOf(n).slice(1)),
  hex32.map((n) => `${hexOf(n)}0`),
  hex32.map((n) => `${hexOf(n).slice(0, 31)}g`),
  hex32.map((n) => ` ${hexOf(n)}`),
);

type Step =
  | { fresh: bigint; how: number; at: number }
  | { again: number; how: number; at: number }
  | { odd: string }
  | { oddAgain: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ fresh: hex32, how: fc.nat(), at: fc.nat() }),
  fc.record({ again: fc.nat(), how: fc.nat(), at: fc.nat() }),
  malformed.map((odd) => ({ odd })),
  fc.nat().map((oddAgain) => ({ oddAgain })),
);

it('the event id positions report exactly the duplicates a Map of the ids would, through several resizes', () => {
  fc.assert(
    fc.property(fc.nat({ max: 20_000 }), hex32, fc.array(step, { maxLength: 400 }), (bulk, base, steps) => {
      // Consecutive ids first, as UUIDv7s from one process nearly are, to grow the table; then the steps mix in their own.
      const hexes = Array.from({ length: bulk }, (_, i) => hexOf(base + BigInt(i)));
      const odds: string[] = [];
      const ids = [...hexes];
      for (const s of steps) {
        if ('fresh' in s) {
          hexes.push(hexOf(s.fresh));
          ids.push(spell(hexOf(s.fresh), s.how, s.at));
        } else if ('again' in s) {
          if (hexes.length > 0) ids.push(spell(hexes[s.again % hexes.length]!, s.how, s.at));
        } else if ('odd' in s) {
          odds.push(s.odd);
          ids.push(s.odd);
        } else if (odds.length > 0) {
          ids.push(odds[s.oddAgain % odds.length]!);
        }
      }
      const compact = new EventIdPositions();
      const plain = new PlainPositions();
      ids.forEach((id, i) => {
        const position = (i % 4096) * 2 ** 40 + i;
        assert.equal(compact.add(id, position), plain.add(id, position), `${JSON.stringify(id)}, the ${i}th id`);
      });
    }),
    { numRuns: 60 },
  );
});

it('every one of 300,000 ids is new once and a duplicate at its first position after', () => {
  const compact = new EventIdPositions();
  const ids = Array.from({ length: 300_000 }, (_, i) =>
    spell(hexOf(0x0190_0000_0000_7000_8000_0000_0000_0000n + BigInt(i) * 0x1_0001n), 1, 0),
  );
  for (const [i, id] of ids.entries()) assert.equal(compact.add(id, i), undefined, id);
  for (const [i, id] of ids.entries()) assert.equal(compact.add(id, 2 ** 52 + i), i, id);
});
