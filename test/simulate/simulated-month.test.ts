import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { validateEvent } from '../../src/events/validate-event.js';
import { simulateDays, type SimulatedEvent } from '../../src/simulate/simulate-days.js';
import { DAY_MS, planSimulation } from '../../src/simulate/simulation-plan.js';
import { SimulationTally } from '../../src/simulate/simulation-tally.js';
import { acquireDirLock } from '../../src/util/dir-lock.js';
import { tempDir } from '../helpers/temp-dir.js';
import { simulate } from '../report/simulated-lake.js';

const catalog = Catalog.fromFile(undefined);
const plan = (seed: number, days = 7, players = 300) =>
  planSimulation({ days, players, seed, catalog, lastDay: '2026-03-01' }, Date.parse('2026-06-01T12:00:00Z'));
const allEvents = (seed: number, days?: number, players?: number): SimulatedEvent[] =>
  [...simulateDays(plan(seed, days, players))].flatMap((d) => d.events);

describe('gamepipe simulate', () => {
  it('writes the same events for the same seed, ids included, and other events for another seed', () => {
    assert.equal(JSON.stringify(allEvents(42)), JSON.stringify(allEvents(42)));
    assert.notEqual(JSON.stringify(allEvents(42)), JSON.stringify(allEvents(43)));
  });

  it("builds only events the schemas accept, in time order, each on its own past day, a player's sign-up first", () => {
    const days = [...simulateDays(plan(7))];
    assert.deepEqual(
      days.map((d) => d.day),
      ['2026-02-23', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01'],
    );
    const seen = new Set<string>();
    for (const { day, events } of days) {
      const start = Date.parse(`${day}T00:00:00Z`);
      for (const [i, event] of events.entries()) {
        assert.deepEqual(validateEvent(JSON.parse(JSON.stringify(event))), {
          ok: true,
          event: JSON.parse(JSON.stringify(event)),
          eventType: event.event_type,
        });
        assert.ok(
          event.event_ts >= start && event.event_ts < start + DAY_MS,
          `${event.event_type} at ${new Date(event.event_ts).toISOString()} is on ${day}`,
        );
        assert.ok(i === 0 || events[i - 1]!.event_ts <= event.event_ts, 'in time order');
        assert.equal(
          seen.has(event.username!),
          event.event_type !== 'signup',
          'one sign-up per player, before anything else',
        );
        seen.add(event.username!);
        if (event.event_type === 'buy_item') {
          const item = catalog.item(event.item_type)!;
          assert.equal(
            event.price,
            catalog.unitPrice(item, catalog.quality(event.item_quality)!),
            'catalog price at the quality',
          );
          assert.equal(event.total_price, Math.round(event.price * event.quantity * 100) / 100);
        }
      }
    }
    assert.equal(seen.size, 300);
  });

  it('plays like a free-to-play month: a launch spike, day-1 retention near 40%, a minority of payers, guilds of unequal size', () => {
    const tally = new SimulationTally();
    for (const event of allEvents(11, 30, 3000)) tally.add(event);
    const s = tally.summary(catalog.qualityNames());
    const cohortRate = (n: 'd1' | 'd7') => {
      const observed = s.cohorts.filter((c) => c[n] !== null);
      return observed.reduce((sum, c) => sum + c[n]!, 0) / observed.reduce((sum, c) => sum + c.players, 0);
    };
    assert.ok(s.daily[0]!.signups > 2 * s.daily.at(-1)!.signups, 'more sign-ups at launch than a month later');
    assert.ok(cohortRate('d1') > 0.3 && cohortRate('d1') < 0.5, `D1 ${cohortRate('d1')}`);
    assert.ok(cohortRate('d7') > 0.1 && cohortRate('d7') < cohortRate('d1'), `D7 ${cohortRate('d7')}`);
    const paying = s.totals.payingPlayers / s.totals.activePlayers;
    assert.ok(paying > 0.1 && paying < 0.3, `paying share ${paying}`);
    assert.ok(
      s.guilds[0]!.members > 2 * s.guilds.at(-1)!.members,
      'the most popular guild is much bigger than the least',
    );
    assert.ok(
      s.revenueByQuality.every((q) => q.revenue > 0),
      'every quality sells',
    );
  });

  it('refuses to write the embedded log while a server writes it (one writer per log)', async () => {
    const dataDir = tempDir();
    const release = acquireDirLock(dataDir, 'serve', 'gamepipe serve');
    try {
      await assert.rejects(
        simulate(dataDir, 1, 10, 1),
        (error: Error & { code?: string }) =>
          error.code === 'DATA_DIR_LOCKED' && /is already running on/.test(error.message),
      );
    } finally {
      release();
    }
    assert.equal((await simulate(dataDir, 1, 10, 1)).summary.totals.players, 10, 'and writes once it has stopped');
  });

  it('writes a month of 5,000 players to the embedded log in seconds', async () => {
    const started = Date.now();
    const result = await simulate(tempDir(), 30, 5000, 3);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(result.summary.totals.players, 5000);
    assert.ok(seconds < 15, `took ${seconds} s`);
  });
});
