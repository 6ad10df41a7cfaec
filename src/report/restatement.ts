import { GamepipeError } from '../errors.js';
import { queryAll, type QueryEngine } from '../sql/query-engine.js';
import { utcDay } from './report-window.js';
import { reportSql, type RestatementParams } from './report-sql.js';
import { isoFromSqlTimestamp } from '../sql/sql-timestamp.js';

/** A figure as the report gave it at `changesSince` (`before`) and as it gives it now (not `then`: an object with a `then` is awaited as a promise). */
export interface FigureChange {
  before: number;
  now: number;
}

/** A day before `changesSince` that events arriving since then changed. */
export interface RestatedDay {
  day: string;
  /** Events of this day the log accepted at or after `changesSince`. */
  lateEvents: number;
  /** When those events happened, and when the log accepted them (UTC, ISO 8601). */
  happened: { first: string; last: string };
  arrived: { first: string; last: string };
  dau: FigureChange;
  newPlayers: FigureChange;
  purchases: FigureChange;
  /** In currency units, summed exactly in cents. */
  revenue: FigureChange;
}

/** A sign-up cohort whose size or retention late events changed; day N is null where it had not ended by `changesSince`. */
export interface RestatedCohort {
  cohort: string;
  players: FigureChange;
  d1: FigureChange | null;
  d7: FigureChange | null;
  d30: FigureChange | null;
}

export interface Restatement {
  engine: string;
  /** The report's first day (`--since`). */
  since: string;
  /** The moment compared with (UTC, ISO 8601); the days before its day are the ones restated. */
  changesSince: string;
  lateEvents: number;
  days: RestatedDay[];
  cohorts: RestatedCohort[];
}

const SPAN = /^(\d{1,5})([mhdw])$/;
const SPAN_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `--changes-since`: a span back from now (`90m`, `6h`, `2d`, `1w`), a date (its UTC midnight) or
 * a time with its zone (`2026-12-05T18:00:00Z`, `…+01:00`). In the past, or it is refused.
 */
export function parseChangesSince(raw: string, now: number = Date.now()): number {
  const text = raw.trim();
  const span = SPAN.exec(text);
  let at: number;
  if (span) at = now - Number(span[1]) * SPAN_MS[span[2] as keyof typeof SPAN_MS];
  else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) at = Date.parse(`${text}T00:00:00Z`);
  else if (ZONED_TIME.test(text)) at = Date.parse(text);
  else at = Number.NaN;
  if (Number.isNaN(at))
    throw new GamepipeError(
      'BAD_REQUEST',
      `--changes-since must be like 6h, 2d, 2026-12-05 or 2026-12-05T18:00:00Z (with its zone), not "${raw}"`,
    );
  if (at > now) throw new GamepipeError('BAD_REQUEST', `--changes-since ${raw} is in the future`);
  return at;
}

/** A time as the SQL literal the restatement queries compare with: UTC, to the millisecond. */
const sqlTimestamp = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

const num = (value: unknown): number => Number(value ?? 0);
const change = (before: unknown, now: unknown): FigureChange => ({ before: num(before), now: num(now) });
const changed = (c: FigureChange | null) => c !== null && c.before !== c.now;

/** Day N of a cohort counts only when it had ended before `untilDay`: a day not yet come is no restatement. */
function observed(cohort: string, n: number, untilDay: string, c: FigureChange): FigureChange | null {
  const dayN = utcDay(Date.parse(`${cohort}T00:00:00Z`) + n * 86_400_000);
  return dayN < untilDay ? c : null;
}

/**
 * Which days before `changesSince` the events that arrived since changed, by how much, and why:
 * each figure is computed twice in one query, over the rows the log had accepted by then (each
 * row's `timestamp`) and over all of them, so nothing needs to have been kept from an earlier run.
 */
export async function restate(engine: QueryEngine, since: string, changesSince: number): Promise<Restatement> {
  const params: RestatementParams = {
    from: since,
    until_day: utcDay(changesSince),
    changes_since: sqlTimestamp(changesSince),
  };
  // One after the other: DuckDB has one connection, and two queries cost Trino little more.
  const days = await queryAll(engine, reportSql('restated-days', params));
  const cohorts = await queryAll(engine, reportSql('restated-retention', params));
  const restatedDays: RestatedDay[] = days.rows.map((r) => ({
    day: String(r[0]),
    lateEvents: num(r[1]),
    happened: { first: isoFromSqlTimestamp(r[2]), last: isoFromSqlTimestamp(r[3]) },
    arrived: { first: isoFromSqlTimestamp(r[4]), last: isoFromSqlTimestamp(r[5]) },
    dau: change(r[6], r[7]),
    newPlayers: change(r[8], r[9]),
    purchases: change(r[10], r[11]),
    revenue: { before: num(r[12]) / 100, now: num(r[13]) / 100 },
  }));
  const restatedCohorts: RestatedCohort[] = cohorts.rows
    .map((r) => {
      const cohort = String(r[0]);
      return {
        cohort,
        players: change(r[1], r[2]),
        d1: observed(cohort, 1, params.until_day, change(r[3], r[4])),
        d7: observed(cohort, 7, params.until_day, change(r[5], r[6])),
        d30: observed(cohort, 30, params.until_day, change(r[7], r[8])),
      };
    })
    .filter((c) => changed(c.players) || changed(c.d1) || changed(c.d7) || changed(c.d30));
  return {
    engine: engine.name,
    since,
    changesSince: new Date(changesSince).toISOString(),
    lateEvents: restatedDays.reduce((sum, d) => sum + d.lateEvents, 0),
    days: restatedDays,
    cohorts: restatedCohorts,
  };
}
