import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { count, duration, money, percent, ratio } from './format-figures.js';
import type { GameReport } from './game-report.js';
import { reportCharts, type ReportChart } from './report-charts.js';

/** Chart.js's browser build, read from node_modules now so that the page needs no network. */
function chartLibrary(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON that cannot end the script element it sits in. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

interface NumbersTable {
  columns: string[];
  rows: string[][];
}

function table({ columns, rows }: NumbersTable): string {
  const head = columns.map((c, i) => `<th${i > 0 ? ' class="n"' : ''}>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((v, i) => `<td${i > 0 ? ' class="n"' : ''}>${escapeHtml(v)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const optional = (n: number | null) => (n === null ? '-' : count(n));
const rate = (retained: number | null, players: number) =>
  retained === null ? '-' : percent(ratio(retained, players));

/** Per chart: its heading, a line saying what it counts, and the numbers beside it. */
function sections(report: GameReport): Record<string, { title: string; about: string; numbers: NumbersTable }> {
  const s = report.summary;
  return {
    'active-players': {
      title: 'Active players',
      about:
        'Players with any event that day (DAU), in the 7 days (WAU) and 30 days (MAU) ending that day; DAU/MAU is stickiness.',
      numbers: {
        columns: ['day', 'DAU', 'WAU', 'MAU', 'DAU/MAU'],
        rows: report.days.map((d) => [d.day, count(d.dau), optional(d.wau), optional(d.mau), percent(d.stickiness)]),
      },
    },
    'new-players': {
      title: 'New players',
      about: 'Players whose first sign-up was that day.',
      numbers: { columns: ['day', 'new players'], rows: report.days.map((d) => [d.day, count(d.newPlayers)]) },
    },
    retention: {
      title: 'Retention by sign-up cohort',
      about:
        'Of the players who signed up on a day, the share active exactly 1, 7 and 30 days later (blank until that day has come).',
      numbers: {
        columns: ['cohort', 'players', 'D1', 'D7', 'D30'],
        rows: report.retention.map((c) => [
          c.cohort,
          count(c.players),
          rate(c.d1, c.players),
          rate(c.d7, c.players),
          rate(c.d30, c.players),
        ]),
      },
    },
    'revenue-per-day': {
      title: 'Purchases and revenue',
      about: 'Purchases and the sum of their total prices per day, with the players who paid.',
      numbers: {
        columns: ['day', 'purchases', 'revenue', 'payers'],
        rows: report.days.map((d) => [d.day, count(d.purchases), money(d.revenue), count(d.payingPlayers)]),
      },
    },
    arpdau: {
      title: 'ARPDAU',
      about: 'Revenue per daily active player.',
      numbers: {
        columns: ['day', 'ARPDAU'],
        rows: report.days.map((d) => [d.day, d.arpdau === null ? '-' : money(d.arpdau)]),
      },
    },
    'revenue-by-item': {
      title: 'Revenue by item',
      about: "Revenue of each catalog item over the report's days.",
      numbers: {
        columns: ['item', 'purchases', 'quantity', 'revenue', 'share'],
        rows: report.revenueByItem.map((i) => [
          i.item,
          count(i.purchases),
          count(i.quantity),
          money(i.revenue),
          percent(i.share),
        ]),
      },
    },
    'revenue-by-quality': {
      title: 'Revenue by quality',
      about: 'Revenue of each item quality: rare qualities cost more and drop less.',
      numbers: {
        columns: ['quality', 'purchases', 'quantity', 'revenue', 'share'],
        rows: report.revenueByQuality.map((q) => [
          q.quality,
          count(q.purchases),
          count(q.quantity),
          money(q.revenue),
          percent(q.share),
        ]),
      },
    },
    'paying-players': {
      title: 'Paying players',
      about: "Players active in the report's days who bought anything.",
      numbers: {
        columns: ['players', 'count'],
        rows: [
          ['active', count(s.activePlayers)],
          ['paying', count(s.payingPlayers)],
          ['share paying', percent(s.payingShare)],
        ],
      },
    },
    'first-purchase-funnel': {
      title: 'From sign-up to first purchase',
      about: `Players who signed up in the report's days, by how soon they first bought; median time to a first purchase: ${duration(report.funnel.medianMsToFirstPurchase)}.`,
      numbers: {
        columns: ['step', 'players', 'of sign-ups'],
        rows: report.funnel.steps.map((f) => [f.step, count(f.players), percent(f.share)]),
      },
    },
    'guild-sizes': {
      title: 'Guild sizes',
      about: `Members now, and their change since ${report.firstDay ?? report.since}.`,
      numbers: {
        columns: ['guild', 'members', 'growth', 'joins', 'leaves'],
        rows: report.guilds.map((g) => [
          g.guild,
          count(g.members),
          count(g.members - g.membersBefore),
          count(g.joins),
          count(g.leaves),
        ]),
      },
    },
    'guild-growth': {
      title: 'Guild growth',
      about: 'Members of each guild at the end of each day.',
      numbers: {
        columns: ['day', ...report.guilds.map((g) => g.guild)],
        rows: report.guildGrowth.map((d) => [d.day, ...report.guilds.map((g) => count(d.members[g.guild] ?? 0))]),
      },
    },
  };
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; background: #f4f6f8; margin: 0; padding: 24px 32px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0 0 2px; }
.sub, .about { color: #52606d; margin: 0 0 12px; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 20px 0 24px; }
@media (min-width: 1100px) { .kpis { grid-template-columns: repeat(8, 1fr); } }
.kpi { background: #fff; border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.kpi b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; } .kpi span { color: #52606d; font-size: 12px; }
section { background: #fff; border-radius: 8px; padding: 16px 18px; margin: 0 0 18px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.row { display: flex; gap: 20px; align-items: flex-start; }
.chart { position: relative; flex: 1 1 60%; min-width: 0; height: 300px; }
.chart.tall { height: 460px; }
.numbers { flex: 0 1 40%; max-height: 300px; overflow: auto; }
.tall + .numbers { max-height: 460px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e4e7eb; text-align: left; white-space: nowrap; } th { position: sticky; top: 0; background: #fff; }
.n { text-align: right; }
footer { color: #7b8794; font-size: 12px; }
`;

/** Draws every chart; percentages get their `%` here (a function cannot travel as JSON). */
const DRAW = `
for (const { id, config, percentScales } of charts) {
  for (const scale of percentScales || []) config.options.scales[scale].ticks = { callback: (v) => v + '%' };
  new Chart(document.getElementById(id), config);
}`;

/** The report as one self-contained HTML page: Chart.js and the data inline, no request leaves it. */
export function renderReportHtml(report: GameReport, generatedAt: Date = new Date()): string {
  const s = report.summary;
  const period = report.firstDay
    ? `${report.firstDay} to ${report.asOf} (${s.days} day${s.days === 1 ? '' : 's'})`
    : `no player activity since ${report.since}`;
  const kpis: [string, string][] = [
    ['DAU, average', s.dauAverage === null ? '-' : count(s.dauAverage)],
    ['MAU', optional(s.mau)],
    ['DAU/MAU', percent(s.stickiness)],
    ['new players', count(s.newPlayers)],
    ['revenue', money(s.revenue)],
    ['ARPDAU', s.arpdau === null ? '-' : money(s.arpdau)],
    [`paying players (${count(s.payingPlayers)})`, percent(s.payingShare)],
    ['to first purchase (median)', duration(report.funnel.medianMsToFirstPurchase)],
  ];
  const charts: ReportChart[] = report.firstDay ? reportCharts(report) : [];
  const about = sections(report);
  const body = charts
    .map(({ id, tall }) => {
      const { title, about: text, numbers } = about[id]!;
      return `<section><h2>${escapeHtml(title)}</h2><p class="about">${escapeHtml(text)}</p><div class="row"><div class="chart${tall ? ' tall' : ''}"><canvas id="${id}" role="img" aria-label="${escapeHtml(title)}"></canvas></div><div class="numbers">${table(numbers)}</div></div></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Game report ${escapeHtml(period)}</title>
<style>${STYLE}</style>
</head><body>
<h1>Game report</h1>
<p class="sub">${escapeHtml(period)}, on ${escapeHtml(report.engine)}</p>
<div class="kpis">${kpis.map(([label, value]) => `<div class="kpi"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`).join('')}</div>
${body}
<footer>Generated by gamepipe report at ${escapeHtml(generatedAt.toISOString())}. Charts by Chart.js (MIT), inlined.</footer>
<script>${chartLibrary()}</script>
<script>const charts = ${scriptJson(charts)};${DRAW}</script>
</body></html>
`;
}
