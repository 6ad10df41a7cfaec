import type { ParquetWriterChoice } from '../lake/parquet/create-parquet-writer.js';
import { argument, choice, count, duration, flag, oneOf } from './command-options.js';
import { defineCommand } from './command-spec.js';
import { lazy } from './lazy.js';

// The writer's defaults and tables are declared with the writer: loaded when a writer's command runs or shows its help.
const streamDefaults = lazy(async () => (await import('../streaming/batching.js')).streamDefaults);
const defaultTriggers = lazy(async () => (await import('../streaming/batching.js')).defaultTriggers);
const writerTargets = lazy(async () => (await import('../lake/owners.js')).writerTargets);
const parquetWriters: readonly ParquetWriterChoice[] = ['auto', 'duckdb', 'parquetjs'];

/** How a stream writer batches: `stream` and `up` take the same options. */
export const writerOptions = {
  trigger: duration(
    '--trigger <duration>',
    defaultTriggers.map(
      (d) =>
        `how long each batch collects events before it is written (default: ${d.withLogTail / 1000}s on the embedded log, whose rows queries read before they land; ` +
        `${d.lakeOnly}ms on Kafka or under Trino/Presto)`,
    ),
  ),
  maxBatch: count(
    '--max-batch <n>',
    'most events in one batch (a backlog fills each batch to it: larger files, fewer commits)',
    { default: streamDefaults.map((d) => String(d.maxBatchRecords)) },
  ),
  maxFileRows: count('--max-file-rows <n>', 'most rows in one Parquet file', {
    default: streamDefaults.map((d) => String(d.maxFileRows)),
  }),
  parquetWriter: choice(
    '--parquet-writer <name>',
    'auto (DuckDB, else parquetjs-lite), duckdb or parquetjs',
    parquetWriters,
    { default: 'auto' },
  ),
};

export const streamArgs = {
  table: argument(
    '<table>',
    writerTargets.map((targets) => `which events to land: ${targets.join(', ')}`),
    oneOf(writerTargets, 'the table'),
  ),
};

export const streamOptions = {
  ...writerOptions,
  once: flag('--once', 'process everything in the log now, then exit'),
  json: flag('--json', 'report each batch as a JSON line'),
};

export const streamCommand = defineCommand({
  name: 'stream',
  description: 'land events from the log as Parquet in the lake, exactly once: events_buy, events_guild, events_user',
  args: streamArgs,
  options: streamOptions,
  action: async () => (await import('./stream-action.js')).streamAction,
});
