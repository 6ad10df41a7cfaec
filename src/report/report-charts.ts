import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { ratio } from './format-figures.js';
import type { GameReport } from './game-report.js';

/** One chart of the HTML report: a Chart.js configuration, plain JSON, drawn in the page. */
export interface ReportChart {
  id: string;
  config: ChartConfiguration<'bar' | 'line' | 'doughnut', (number | null)[], string>;
  /** Scales whose values are percentages: the page adds the `%` to their ticks. */
  percentScales?: string[];
  /** Drawn taller, for one bar per catalog item. */
  tall?: boolean;
}

/** Tableau 10: distinct, readable on white, and kind to colour-blind readers. */
export const palette = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
/** Item qualities in the colours games use for them. */
const qualityColours: Record<string, string> = {
  common: '#9e9e9e',
  uncommon: '#43a047',
  rare: '#1e88e5',
  epic: '#8e24aa',
  legendary: '#fb8c00',
};

const pct = (part: number | null, whole: number): number | null =>
  part === null ? null : round1((ratio(part, whole) ?? 0) * 100);
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

type Dataset = ChartDataset<'bar' | 'line' | 'doughnut', (number | null)[]>;

const line = (
  label: string,
  data: (number | null)[],
  colour: string,
  extra: Partial<ChartDataset<'line', (number | null)[]>> = {},
): Dataset =>
  ({ type: 'line', label, data, borderColor: colour, backgroundColor: colour, pointRadius: 2, ...extra }) as Dataset;
const bar = (
  label: string,
  data: (number | null)[],
  colour: string | string[],
  extra: Partial<ChartDataset<'bar', (number | null)[]>> = {},
): Dataset => ({ type: 'bar', label, data, backgroundColor: colour, ...extra }) as Dataset;

function chart(
  id: string,
  labels: string[],
  datasets: Dataset[],
  options: ReportChart['config']['options'] = {},
  percentScales?: string[],
): ReportChart {
  return {
    id,
    config: {
      type: 'bar',
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        ...options,
      },
    },
    percentScales,
  };
}

const rightAxis = (title: string, extra: Record<string, unknown> = {}) => ({
  position: 'right' as const,
  beginAtZero: true,
  grid: { drawOnChartArea: false },
  title: { display: true, text: title },
  ...extra,
});
const axis = (title: string) => ({ beginAtZero: true, title: { display: true, text: title } });
const noLegend = { plugins: { legend: { display: false } } };

/** The report's charts, one per metric, in page order. */
export function reportCharts(report: GameReport): ReportChart[] {
  const days = report.days.map((d) => d.day);
  const guildNames = report.guilds.map((g) => g.guild);
  return [
    chart(
      'active-players',
      days,
      [
        line(
          'DAU',
          report.days.map((d) => d.dau),
          palette[0]!,
        ),
        line(
          'WAU',
          report.days.map((d) => d.wau),
          palette[1]!,
        ),
        line(
          'MAU',
          report.days.map((d) => d.mau),
          palette[2]!,
        ),
        line(
          'DAU/MAU',
          report.days.map((d) => (d.stickiness === null ? null : round1(d.stickiness * 100))),
          palette[3]!,
          { yAxisID: 'y1', borderDash: [6, 4] },
        ),
      ],
      { scales: { y: axis('players'), y1: rightAxis('DAU/MAU', { max: 100 }) } },
      ['y1'],
    ),
    chart(
      'new-players',
      days,
      [
        bar(
          'new players',
          report.days.map((d) => d.newPlayers),
          palette[0]!,
        ),
      ],
      { ...noLegend, scales: { y: axis('players') } },
    ),
    chart(
      'retention',
      report.retention.map((c) => c.cohort),
      [
        bar(
          'D1',
          report.retention.map((c) => pct(c.d1, c.players)),
          palette[0]!,
        ),
        bar(
          'D7',
          report.retention.map((c) => pct(c.d7, c.players)),
          palette[1]!,
        ),
        bar(
          'D30',
          report.retention.map((c) => pct(c.d30, c.players)),
          palette[2]!,
        ),
      ],
      { scales: { y: { ...axis('retained'), max: 100 } } },
      ['y'],
    ),
    chart(
      'revenue-per-day',
      days,
      [
        bar(
          'revenue',
          report.days.map((d) => round2(d.revenue)),
          palette[0]!,
        ),
        line(
          'purchases',
          report.days.map((d) => d.purchases),
          palette[1]!,
          { yAxisID: 'y1' },
        ),
      ],
      { scales: { y: axis('revenue'), y1: rightAxis('purchases') } },
    ),
    chart(
      'arpdau',
      days,
      [
        line(
          'ARPDAU',
          report.days.map((d) => (d.arpdau === null ? null : round2(d.arpdau))),
          palette[2]!,
          { fill: false },
        ),
      ],
      { ...noLegend, scales: { y: axis('revenue per daily active player') } },
    ),
    {
      ...chart(
        'revenue-by-item',
        report.revenueByItem.map((i) => i.item),
        [
          bar(
            'revenue',
            report.revenueByItem.map((i) => round2(i.revenue)),
            palette[0]!,
          ),
        ],
        {
          ...noLegend,
          indexAxis: 'y',
          scales: { x: axis('revenue'), y: { ticks: { autoSkip: false } } },
        },
      ),
      tall: report.revenueByItem.length > 10,
    },
    chart(
      'revenue-by-quality',
      report.revenueByQuality.map((q) => q.quality),
      [
        bar(
          'revenue',
          report.revenueByQuality.map((q) => round2(q.revenue)),
          report.revenueByQuality.map((q, i) => qualityColours[q.quality] ?? palette[i % palette.length]!),
        ),
      ],
      { ...noLegend, scales: { y: axis('revenue') } },
    ),
    {
      id: 'paying-players',
      config: {
        type: 'doughnut',
        data: {
          labels: ['paying', 'not paying'],
          datasets: [
            {
              data: [report.summary.payingPlayers, report.summary.activePlayers - report.summary.payingPlayers],
              backgroundColor: [palette[0]!, '#d9dde3'],
            },
          ],
        },
        options: { animation: false, responsive: true, maintainAspectRatio: false },
      },
    },
    chart(
      'first-purchase-funnel',
      report.funnel.steps.map((s) => s.step),
      [
        bar(
          'players',
          report.funnel.steps.map((s) => s.players),
          palette[4]!,
        ),
      ],
      { ...noLegend, indexAxis: 'y', scales: { x: axis('players') } },
    ),
    chart(
      'guild-sizes',
      guildNames,
      [
        bar(
          'members',
          report.guilds.map((g) => g.members),
          guildNames.map((_, i) => palette[i % palette.length]!),
        ),
      ],
      { ...noLegend, scales: { y: axis('members') } },
    ),
    chart(
      'guild-growth',
      days,
      guildNames.map((g, i) =>
        line(
          g,
          report.guildGrowth.map((d) => d.members[g] ?? 0),
          palette[i % palette.length]!,
        ),
      ),
      { scales: { y: axis('members') } },
    ),
  ];
}
