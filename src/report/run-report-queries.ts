import { queryAll, type QueryEngine } from '../sql/query-engine.js';
import { DAY_MS, dayMs, utcDay } from './report-window.js';
import { reportQueries, reportSql, type ReportQuery } from './report-sql.js';

/** Each metric's rows, as plain arrays in the order of its SELECT list. */
export type ReportRows = Record<ReportQuery, unknown[][]>;

/**
 * Runs every metric of the report from `from` on. DuckDB runs them one after the other on its one
 * connection; a Trino or Presto coordinator gets them all at once (each costs it a round trip more
 * than work).
 */
export async function runReportQueries(engine: QueryEngine, from: string): Promise<ReportRows> {
  const params = { from, lookback_from: utcDay(dayMs(from) - 29 * DAY_MS) };
  const run = async (query: ReportQuery) => [query, (await queryAll(engine, reportSql(query, params))).rows] as const;
  const results: (readonly [ReportQuery, unknown[][]])[] = [];
  if (engine.name === 'duckdb') for (const query of reportQueries) results.push(await run(query));
  else results.push(...(await Promise.all(reportQueries.map(run))));
  return Object.fromEntries(results) as ReportRows;
}
