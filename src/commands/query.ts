import { resultFormats } from '../sql/format-result.js';
import { parseInstant } from '../verify/time-window.js';
import { argument, choice, duration, flag, option } from './command-options.js';
import { defineCommand } from './command-spec.js';

export const queryArgs = {
  sql: argument(
    '[sql]',
    'e.g. "select count(*) from events_buy where item_type = \'sword\'"; none on a terminal opens the query shell',
  ),
};

export const queryOptions = {
  format: choice('--format <format>', `${resultFormats.join(', ')}`, resultFormats, { default: 'table' }),
  queryTimeout: duration('--query-timeout <duration>', 'cancel a query that runs longer than this (default: no limit)'),
  asOf: option(
    '--as-of <time>',
    'Iceberg tables on DuckDB: read them as they were then (2026-12-07T10:00:00Z, or 2h ago), without the log tail; on Trino: FOR TIMESTAMP AS OF',
    (raw, flagName) => parseInstant(raw, flagName),
  ),
  logTail: flag(
    '--no-log-tail',
    "the lake's files alone, without the embedded log's rows not landed yet (what other readers of the lake see)",
  ),
};

export const queryCommand = defineCommand({
  name: 'query',
  description:
    "run SQL on the lake: DuckDB embedded, or Trino/Presto with --trino-url/--presto-url (`show tables` and `describe events_buy` work as in the seed's Presto session)",
  args: queryArgs,
  options: queryOptions,
  action: async () => (await import('./query-action.js')).queryAction,
});
