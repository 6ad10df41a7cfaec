import { readFileSync } from 'node:fs';

/**
 * The report's metrics are plain SQL files, run unchanged on DuckDB and on Trino/Presto. They are
 * read from the package's `src/report/sql/` (the build is tsc alone, which copies no .sql file):
 * this module is `dist/src/report/report-sql.js` at run time, three levels below the package root.
 */
const SQL_DIR = new URL('../../../src/report/sql/', import.meta.url);

export const reportQueries = [
  'active-players',
  'new-players',
  'retention',
  'purchases',
  'revenue-by-item',
  'revenue-by-quality',
  'paying-players',
  'first-purchase-funnel',
  'guild-sizes',
  'guild-growth',
] as const;
export type ReportQuery = (typeof reportQueries)[number];

/** The dates a query may name: `{from}` the report's first day, `{lookback_from}` 29 days earlier (for MAU). */
export interface ReportParams {
  from: string;
  lookback_from: string;
}

/** The queries of `report --changes-since`: each day's and each cohort's figures then and now. */
export const restatementQueries = ['restated-days', 'restated-retention'] as const;
export type RestatementQuery = (typeof restatementQueries)[number];

/** `{changes_since}` (UTC, `YYYY-MM-DD HH:MM:SS.mmm`) and `{until_day}`, the day it falls on: days before it are restated. */
export interface RestatementParams {
  from: string;
  until_day: string;
  changes_since: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

/**
 * The statement of one query with its parameters filled in: dates and timestamps only, checked,
 * so nothing else can reach the SQL.
 */
export function reportSql(query: ReportQuery | RestatementQuery, params: ReportParams | RestatementParams): string {
  const text = readFileSync(new URL(`${query}.sql`, SQL_DIR), 'utf8');
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = (params as unknown as Record<string, string | undefined>)[name];
    if (value === undefined || !(DATE.test(value) || TIMESTAMP.test(value)))
      throw new Error(`${query}.sql: no date for ${placeholder}`);
    return value;
  });
}
