import assert from 'node:assert/strict';
import type { GameReport } from '../../src/report/game-report.js';
import type { SimulationResult } from '../../src/simulate/run-simulation.js';

/** Asserts that every figure of the report is what the simulation says it wrote: counts and sums exactly. */
export function assertReportMatchesSimulation(report: GameReport, simulation: SimulationResult): void {
  const s = simulation.summary;
  assert.equal(report.firstDay, simulation.firstDay);
  assert.equal(report.asOf, simulation.lastDay);
  assert.deepEqual(
    report.days.map((d) => ({
      day: d.day,
      dau: d.dau,
      wau: d.wau,
      mau: d.mau,
      newPlayers: d.newPlayers,
      purchases: d.purchases,
      revenue: d.revenue,
    })),
    s.daily.map((d) => ({
      day: d.day,
      dau: d.dau,
      wau: d.wau,
      mau: d.mau,
      newPlayers: d.signups,
      purchases: d.purchases,
      revenue: d.revenue,
    })),
    'DAU, WAU, MAU, new players, purchases and revenue per day',
  );
  assert.deepEqual(report.retention, s.cohorts, 'D1, D7 and D30 retention by cohort');
  assert.deepEqual(
    report.revenueByItem.map(({ share: _, ...sales }) => sales),
    s.revenueByItem,
    'revenue by item',
  );
  assert.deepEqual(
    report.revenueByQuality.map(({ share: _, ...sales }) => sales),
    s.revenueByQuality,
    'revenue by quality',
  );
  assert.deepEqual(
    {
      activePlayers: report.summary.activePlayers,
      payingPlayers: report.summary.payingPlayers,
      purchases: report.summary.purchases,
      revenue: report.summary.revenue,
      newPlayers: report.summary.newPlayers,
    },
    {
      activePlayers: s.totals.activePlayers,
      payingPlayers: s.totals.payingPlayers,
      purchases: s.totals.purchases,
      revenue: s.totals.revenue,
      newPlayers: s.totals.players,
    },
    'paying players and totals',
  );
  assert.deepEqual(
    report.funnel.steps.map((f) => f.players),
    [s.funnel.signedUp, s.funnel.within1Day, s.funnel.within7Days, s.funnel.purchased, s.funnel.repeatPurchasers],
    'sign-up to first purchase funnel',
  );
  assert.equal(
    report.funnel.medianMsToFirstPurchase,
    s.funnel.medianMsToFirstPurchase,
    'median time to a first purchase',
  );
  assert.deepEqual(
    report.guilds.map(({ guild, members, joins, leaves }) => ({ guild, members, joins, leaves })),
    s.guilds,
    'guild sizes',
  );
  assert.deepEqual(
    report.guildGrowth.at(-1)?.members,
    Object.fromEntries(s.guilds.map((g) => [g.guild, g.members])),
    'guild growth ends at the sizes',
  );
}
