import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWeights } from '../../src/load/load-plan.js';
import { latencySummary } from '../../src/load/load-summary.js';
import { pickWeighted, seededRandom } from '../../src/load/seeded-random.js';

describe('load plans', () => {
  it('parses weights and equal-weight lists, and refuses unknown keys and bad weights', () => {
    assert.deepEqual(parseWeights('buy=70,login=5', '--mix', ['buy', 'login']), [
      ['buy', 70],
      ['login', 5],
    ]);
    assert.deepEqual(parseWeights('sword,potion', '--items', ['sword', 'potion']), [
      ['sword', 1],
      ['potion', 1],
    ]);
    assert.throws(() => parseWeights('buy=70,fly=3', '--mix', ['buy']), /unknown "fly"/);
    assert.throws(() => parseWeights('buy=-1', '--mix', ['buy']), /at least 0/);
    assert.throws(() => parseWeights('buy=0', '--mix', ['buy']), /above 0/);
  });

  it('draws the same sequence from the same seed, in proportion to the weights', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 10_000 }, () =>
        pickWeighted(
          [
            ['a', 70],
            ['b', 30],
          ],
          random,
        ),
      );
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
    const share = draw(42).filter((x) => x === 'a').length / 10_000;
    assert.ok(share > 0.68 && share < 0.72, `share of a: ${share}`);
  });

  it('summarises latencies as nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.deepEqual(latencySummary(samples), { p50: 50, p90: 90, p99: 99, max: 100 });
    assert.deepEqual(latencySummary([]), { p50: 0, p90: 0, p99: 0, max: 0 });
  });
});
