import { count, duration, money, percent, ratio } from './format-figures.js';
import type { GameReport } from './game-report.js';
import { fitLine, textBar, textTable } from './text-table.js';

const signed = (n: number) => (n > 0 ? `+${count(n)}` : count(n));

/** Label-value pairs in two side-by-side lists when the width allows, else one under the other. */
function keyValues(left: [string, string][], right: [string, string][], width: number): string[] {
  const list = (pairs: [string, string][]) => {
    const labelWidth = Math.max(...pairs.map(([k]) => k.length));
    const valueWidth = Math.max(...pairs.map(([, v]) => v.length));
    return pairs.map(([k, v]) => `${k.padEnd(labelWidth)}  ${v.padStart(valueWidth)}`);
  };
  const [a, b] = [list(left), list(right)];
  const aWidth = Math.max(...a.map((l) => l.length));
  if (2 + aWidth + 6 + Math.max(...b.map((l) => l.length)) > width)
    return [...a, ...b].map((l) => fitLine(`  ${l}`, width));
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) =>
    `  ${(a[i] ?? '').padEnd(aWidth)}      ${b[i] ?? ''}`.trimEnd(),
  );
}

function section(title: string, lines: string[]): string[] {
  return ['', title, ...lines];
}

const fitAll = (lines: string[], width: number) => lines.map((line) => fitLine(line, width));

/** The report for a terminal `width` columns wide: aligned tables with bar charts, no line longer than `width`. */
export function renderReportText(report: GameReport, width: number): string {
  const { summary: s } = report;
  if (report.firstDay === null || report.asOf === null) {
    return `${fitLine(`No player activity since ${report.since} (engine ${report.engine}).`, width)}\n${fitLine('Simulate a month with: gamepipe simulate, then gamepipe stream all --once', width)}\n`;
  }
  const lines = [
    fitLine(
      `Game report, ${report.firstDay} to ${report.asOf} (${s.days} day${s.days === 1 ? '' : 's'}), on ${report.engine}`,
      width,
    ),
    '',
  ];
  lines.push(
    ...keyValues(
      [
        ['DAU, average', s.dauAverage === null ? '-' : count(s.dauAverage)],
        ['DAU, last day', count(s.dau ?? 0)],
        ['WAU', s.wau === null ? '-' : count(s.wau)],
        ['MAU', s.mau === null ? '-' : count(s.mau)],
        ['DAU/MAU', percent(s.stickiness)],
        ['new players', count(s.newPlayers)],
      ],
      [
        ['revenue', money(s.revenue)],
        ['purchases', count(s.purchases)],
        ['ARPDAU', s.arpdau === null ? '-' : money(s.arpdau)],
        ['paying players', `${count(s.payingPlayers)} (${percent(s.payingShare)})`],
        ['active players', count(s.activePlayers)],
        ['to 1st purchase', `${duration(report.funnel.medianMsToFirstPurchase)} (median)`],
      ],
      width,
    ),
  );

  const right = (header: string) => ({ header, align: 'right' as const });
  const left = (header: string) => ({ header, align: 'left' as const });
  const optional = (n: number | null) => (n === null ? '-' : count(n));
  lines.push(
    ...section(
      'Active players per day',
      textTable(
        [left('day'), right('DAU'), right('WAU'), right('MAU'), right('DAU/MAU'), right('new')],
        report.days.map((d) => [
          d.day,
          count(d.dau),
          optional(d.wau),
          optional(d.mau),
          percent(d.stickiness),
          count(d.newPlayers),
        ]),
        width,
        { header: 'DAU', values: report.days.map((d) => d.dau) },
      ),
    ),
    ...section(
      'Purchases and revenue per day',
      textTable(
        [left('day'), right('purchases'), right('revenue'), right('ARPDAU'), right('payers')],
        report.days.map((d) => [
          d.day,
          count(d.purchases),
          money(d.revenue),
          d.arpdau === null ? '-' : money(d.arpdau),
          count(d.payingPlayers),
        ]),
        width,
        { header: 'revenue', values: report.days.map((d) => d.revenue) },
      ),
    ),
  );
  const rate = (retained: number | null, players: number) =>
    retained === null ? '-' : percent(ratio(retained, players));
  lines.push(
    ...section(
      'Retention by sign-up cohort (players active exactly 1, 7 and 30 days later)',
      textTable(
        [left('cohort'), right('players'), right('D1'), right('D7'), right('D30')],
        report.retention.map((c) => [
          c.cohort,
          count(c.players),
          rate(c.d1, c.players),
          rate(c.d7, c.players),
          rate(c.d30, c.players),
        ]),
        width,
        { header: 'D1', values: report.retention.map((c) => ratio(c.d1 ?? 0, c.players) ?? 0), max: 1 },
      ),
    ),
    ...section(
      'Revenue by item',
      textTable(
        [left('item'), left('category'), right('purchases'), right('quantity'), right('revenue'), right('share')],
        report.revenueByItem.map((i) => [
          i.item,
          i.category,
          count(i.purchases),
          count(i.quantity),
          money(i.revenue),
          percent(i.share),
        ]),
        width,
        { header: 'revenue', values: report.revenueByItem.map((i) => i.revenue) },
      ),
    ),
    ...section(
      'Revenue by quality',
      textTable(
        [left('quality'), right('purchases'), right('quantity'), right('revenue'), right('share')],
        report.revenueByQuality.map((q) => [
          q.quality,
          count(q.purchases),
          count(q.quantity),
          money(q.revenue),
          percent(q.share),
        ]),
        width,
        { header: 'revenue', values: report.revenueByQuality.map((q) => q.revenue) },
      ),
    ),
  );
  const paying = `  ${count(s.payingPlayers)} of ${count(s.activePlayers)} active players paid (${percent(s.payingShare)}) `;
  lines.push(
    ...section('Paying players', [
      fitLine(`${paying}${textBar(s.payingShare ?? 0, 1, Math.min(40, width - paying.length))}`, width),
    ]),
  );
  lines.push(
    ...section('From sign-up to first purchase', [
      ...textTable(
        [left('step'), right('players'), right('of sign-ups')],
        report.funnel.steps.map((f) => [f.step, count(f.players), percent(f.share)]),
        width,
        { header: 'players', values: report.funnel.steps.map((f) => f.players) },
      ),
      fitLine(
        `  median time from sign-up to first purchase: ${duration(report.funnel.medianMsToFirstPurchase)}`,
        width,
      ),
    ]),
    ...section(
      `Guilds (members now; growth since ${report.firstDay})`,
      textTable(
        [left('guild'), right('members'), right('growth'), right('joins'), right('leaves')],
        report.guilds.map((g) => [
          g.guild,
          count(g.members),
          signed(g.members - g.membersBefore),
          count(g.joins),
          count(g.leaves),
        ]),
        width,
        { header: 'members', values: report.guilds.map((g) => g.members) },
      ),
    ),
  );
  return `${fitAll(lines, width).join('\n')}\n`;
}
