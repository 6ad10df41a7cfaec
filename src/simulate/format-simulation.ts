import { count, duration, money, percent, ratio } from '../report/format-figures.js';
import { fitLine, textTable } from '../report/text-table.js';
import type { SimulationResult } from './run-simulation.js';

/** What a simulation wrote, per event type and per day, to check a report against. */
export function formatSimulation(result: SimulationResult, width = 80): string {
  const { summary: s } = result;
  const where =
    result.log.kind === 'kafka' ? `Kafka (topic ${result.log.topic})` : `the embedded log (topic ${result.log.topic})`;
  const right = (header: string) => ({ header, align: 'right' as const });
  const rows = s.daily.map((d) => [
    d.day,
    count(d.signups),
    count(d.logins),
    count(d.purchases),
    money(d.revenue),
    count(d.guildJoins),
    count(d.dau),
  ]);
  rows.push([
    'total',
    count(s.byType.signup),
    count(s.byType.login),
    count(s.byType.buy_item),
    money(s.totals.revenue),
    count(s.byType.join_guild),
    count(s.totals.activePlayers),
  ]);
  const lines = [
    `simulated ${count(result.players)} players over ${result.days} days (${result.firstDay} to ${result.lastDay}), seed ${result.seed}`,
    `players ${result.playerPrefix}1 to ${result.playerPrefix}${result.players}`,
    `wrote ${count(s.events)} events in ${result.seconds.toFixed(1)} s to ${where}:`,
    `  ${Object.entries(s.byType)
      .map(([type, n]) => `${type} ${count(n)}`)
      .join(', ')}`,
    '',
    ...textTable(
      [
        { header: 'day', align: 'left' },
        right('signups'),
        right('logins'),
        right('purchases'),
        right('revenue'),
        right('joins'),
        right('DAU'),
      ],
      rows,
      width,
    ),
    '',
    `paying players: ${count(s.totals.payingPlayers)} of ${count(s.totals.activePlayers)} (${percent(ratio(s.totals.payingPlayers, s.totals.activePlayers))}); median time to a first purchase: ${duration(s.funnel.medianMsToFirstPurchase)}`,
    `guilds: ${s.guilds.map((g) => `${g.guild} ${count(g.members)}`).join(', ')}`,
  ];
  return `${lines.map((l) => fitLine(l, Math.max(width, 20))).join('\n')}\n`;
}
