import type { QueryEngine } from '../sql/query-engine.js';
import { ratio } from './format-figures.js';
import { DAY_MS, dayMs, daysBetween } from './report-window.js';
import { runReportQueries, type ReportRows } from './run-report-queries.js';

export interface DayFigures {
  day: string;
  dau: number;
  /** Null on a day without any activity (the SQL has no row to count the window from). */
  wau: number | null;
  mau: number | null;
  /** DAU / MAU. */
  stickiness: number | null;
  newPlayers: number;
  purchases: number;
  quantity: number;
  revenue: number;
  /** Revenue per daily active player. */
  arpdau: number | null;
  payingPlayers: number;
}

export interface CohortRetention {
  cohort: string;
  players: number;
  /** Players active exactly N days after signing up; null while day N is after the report's last day. */
  d1: number | null;
  d7: number | null;
  d30: number | null;
}

export interface Sales {
  purchases: number;
  quantity: number;
  revenue: number;
  /** Of the report's revenue. */
  share: number | null;
}

export interface GuildFigures {
  guild: string;
  members: number;
  /** Members at the end of the day before the report's first day. */
  membersBefore: number;
  joins: number;
  leaves: number;
}

export interface GameReport {
  engine: string;
  /** First and last day with activity in the report (null, null: none since `since`). */
  since: string;
  firstDay: string | null;
  asOf: string | null;
  summary: {
    days: number;
    dauAverage: number | null;
    dau: number | null;
    wau: number | null;
    mau: number | null;
    /** Average DAU over the report's days, divided by the last day's MAU. */
    stickiness: number | null;
    newPlayers: number;
    purchases: number;
    revenue: number;
    arpdau: number | null;
    activePlayers: number;
    payingPlayers: number;
    payingShare: number | null;
  };
  days: DayFigures[];
  retention: CohortRetention[];
  revenueByItem: (Sales & { item: string; category: string })[];
  revenueByQuality: (Sales & { quality: string })[];
  funnel: {
    steps: { step: string; players: number; share: number | null }[];
    medianMsToFirstPurchase: number | null;
  };
  guilds: GuildFigures[];
  /** Each guild's members at the end of each report day. */
  guildGrowth: { day: string; members: Record<string, number> }[];
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const cents = (value: unknown): number => num(value) / 100;
const byDay = <T>(rows: unknown[][], pick: (row: unknown[]) => T): Map<string, T> =>
  new Map(rows.map((row) => [String(row[0]), pick(row)]));

function dayFigures(rows: ReportRows, days: string[]): DayFigures[] {
  const active = byDay(rows['active-players'], (r) => ({ dau: num(r[1]), wau: num(r[2]), mau: num(r[3]) }));
  const signups = byDay(rows['new-players'], (r) => num(r[1]));
  const sales = byDay(rows.purchases, (r) => ({
    purchases: num(r[1]),
    quantity: num(r[2]),
    revenue: cents(r[3]),
    payingPlayers: num(r[4]),
  }));
  return days.map((day) => {
    const a = active.get(day);
    const s = sales.get(day) ?? { purchases: 0, quantity: 0, revenue: 0, payingPlayers: 0 };
    const dau = a?.dau ?? 0;
    return {
      day,
      dau,
      wau: a?.wau ?? null,
      mau: a?.mau ?? null,
      stickiness: a ? ratio(a.dau, a.mau) : null,
      newPlayers: signups.get(day) ?? 0,
      ...s,
      arpdau: ratio(s.revenue, dau),
    };
  });
}

function guildFigures(rows: ReportRows, days: string[]): Pick<GameReport, 'guilds' | 'guildGrowth'> {
  const moves = rows['guild-growth'].map((r) => ({
    day: String(r[0]),
    guild: String(r[1]),
    net: num(r[2]) - num(r[3]),
  }));
  const guilds = rows['guild-sizes'].map((r) => {
    const guild = String(r[0]);
    const members = num(r[1]);
    const inReport = moves.filter((m) => m.guild === guild).reduce((sum, m) => sum + m.net, 0);
    return { guild, members, membersBefore: members - inReport, joins: num(r[2]), leaves: num(r[3]) };
  });
  const guildGrowth = days.map((day) => ({
    day,
    members: Object.fromEntries(
      guilds.map((g) => [
        g.guild,
        g.membersBefore + moves.filter((m) => m.guild === g.guild && m.day <= day).reduce((sum, m) => sum + m.net, 0),
      ]),
    ),
  }));
  return { guilds, guildGrowth };
}

/** Turns the metrics' rows into the report: every day filled in, shares and ratios worked out. */
export function assembleReport(rows: ReportRows, engine: string, since: string, qualityOrder: string[]): GameReport {
  const activeDays = rows['active-players'].map((r) => String(r[0]));
  const firstDay = activeDays[0] ?? null;
  const asOf = activeDays.at(-1) ?? null;
  const days = firstDay && asOf ? daysBetween(firstDay, asOf) : [];
  const figures = dayFigures(rows, days);
  const [activePlayers, payingPlayers] = (rows['paying-players'][0] ?? [0, 0]).map(num) as [number, number];
  const revenue = figures.reduce((sum, d) => sum + d.revenue, 0);
  const sumDau = figures.reduce((sum, d) => sum + d.dau, 0);
  const last = figures.at(-1);
  const observed = (cohort: string, n: number, value: unknown) =>
    asOf !== null && dayMs(cohort) + n * DAY_MS <= dayMs(asOf) ? num(value) : null;
  const sales = (r: unknown[], from: number) => ({
    purchases: num(r[from]),
    quantity: num(r[from + 1]),
    revenue: cents(r[from + 2]),
    share: ratio(cents(r[from + 2]), revenue),
  });
  const rank = (quality: string) =>
    qualityOrder.includes(quality) ? qualityOrder.indexOf(quality) : qualityOrder.length;
  const funnelRow = (rows['first-purchase-funnel'][0] ?? []) as unknown[];
  const signedUp = num(funnelRow[0]);
  const step = (name: string, players: unknown) => ({
    step: name,
    players: num(players),
    share: ratio(num(players), signedUp),
  });
  return {
    engine,
    since,
    firstDay,
    asOf,
    summary: {
      days: days.length,
      dauAverage: days.length > 0 ? sumDau / days.length : null,
      dau: last?.dau ?? null,
      wau: last?.wau ?? null,
      mau: last?.mau ?? null,
      stickiness: last?.mau ? sumDau / days.length / last.mau : null,
      newPlayers: figures.reduce((sum, d) => sum + d.newPlayers, 0),
      purchases: figures.reduce((sum, d) => sum + d.purchases, 0),
      revenue: Math.round(revenue * 100) / 100,
      arpdau: ratio(revenue, sumDau),
      activePlayers,
      payingPlayers,
      payingShare: ratio(payingPlayers, activePlayers),
    },
    days: figures,
    retention: rows.retention.map((r) => {
      const cohort = String(r[0]);
      return {
        cohort,
        players: num(r[1]),
        d1: observed(cohort, 1, r[2]),
        d7: observed(cohort, 7, r[3]),
        d30: observed(cohort, 30, r[4]),
      };
    }),
    revenueByItem: rows['revenue-by-item'].map((r) => ({ item: String(r[0]), category: String(r[1]), ...sales(r, 2) })),
    revenueByQuality: rows['revenue-by-quality']
      .map((r) => ({ quality: String(r[0]), ...sales(r, 1) }))
      .sort((a, b) => rank(a.quality) - rank(b.quality)),
    funnel: {
      steps: [
        step('signed up', funnelRow[0]),
        step('bought within a day', funnelRow[1]),
        step('bought within 7 days', funnelRow[2]),
        step('bought at all', funnelRow[3]),
        step('bought again', funnelRow[4]),
      ],
      medianMsToFirstPurchase: funnelRow[5] === null || funnelRow[5] === undefined ? null : Number(funnelRow[5]),
    },
    ...guildFigures(rows, days),
  };
}

export interface ReportOptions {
  /** The report's first day, `YYYY-MM-DD` (see parseSince). */
  since: string;
  /** The catalog's qualities, cheapest first, to order the revenue by quality. */
  qualityOrder: string[];
}

/** Runs the report's SQL on the engine and assembles the report. */
export async function buildReport(engine: QueryEngine, options: ReportOptions): Promise<GameReport> {
  return assembleReport(
    await runReportQueries(engine, options.since),
    engine.name,
    options.since,
    options.qualityOrder,
  );
}
