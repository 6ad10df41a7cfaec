import { argument, duration, oneOf, text } from './command-options.js';
import { defineCommand, defineGroup } from './command-spec.js';
import { lazy } from './lazy.js';

export const createTargets = ['all', 'buy', 'guild', 'user', 'dead_letter'] as const;

export const tablesCreateArgs = {
  which: argument('[which]', `${createTargets.join(', ')}`, oneOf(createTargets, 'the table'), { default: 'all' }),
};
const tableNames = lazy(async () => {
  const { deadLetterSpec, tableSpecs } = await import('../events/tables.js');
  return [...tableSpecs, deadLetterSpec].map((s) => s.table);
});
export const tableArgs = { table: argument('<table>', 'e.g. events_buy', undefined, { complete: tableNames }) };
export const tablesDdlOptions = {
  location: text('--location <uri>', "where the table's directory is (default: in the configured lake)"),
  database: text('--database <name>', 'Hive database', { default: 'default' }),
};

export const tablesCompactOptions = {
  lateness: duration('--lateness <duration>', "a UTC day's partition is closed this long after the day ended", {
    default: '1h',
  }),
  grace: duration(
    '--grace <duration>',
    'older files stay this long after readers moved off them, for queries already planned',
    { default: '5m' },
  ),
};

export const tablesMaintainOptions = {
  retain: duration('--retain <duration>', 'snapshots older than this expire (Iceberg tables)', { default: '5d' }),
  orphanGrace: duration(
    '--orphan-grace <duration>',
    'files no snapshot references are removed once older than this (at least 1h: a commit may be about to name a younger one)',
    { default: '3d' },
  ),
};

const actions = () => import('./tables-actions.js');

export const tablesCommand = defineGroup({
  name: 'tables',
  description: "the lake's tables: DuckDB views over its Parquet files, or Hive tables through Trino/Presto",
  commands: [
    defineCommand({
      name: 'create',
      description:
        'declare tables over the lake (in the Hive metastore when --trino-url or --presto-url is set) and their partitions; safe to repeat',
      args: tablesCreateArgs,
      action: async () => (await actions()).createTables,
    }),
    defineCommand({
      name: 'compact',
      description:
        'merge the small files of closed date partitions into a new generation and switch readers to it atomically (in the Hive metastore with --metastore-url); safe to repeat',
      args: tablesCreateArgs,
      options: tablesCompactOptions,
      action: async () => (await actions()).compactTables,
    }),
    defineCommand({
      name: 'maintain',
      description:
        'Iceberg tables: merge small manifests, expire old snapshots, remove orphan and old metadata files; one line per table; safe to repeat, and while writers and Trino commit',
      options: tablesMaintainOptions,
      action: async () => (await import('./tables-maintain-action.js')).maintainTables,
    }),
    defineCommand({
      name: 'list',
      description: 'declared tables with their committed files',
      action: async () => (await actions()).listTables,
    }),
    defineCommand({
      name: 'ddl',
      description:
        'print the Hive CREATE EXTERNAL TABLE statement for an event table (for HiveServer2 users), derived from the event schemas',
      args: tableArgs,
      options: tablesDdlOptions,
      action: async () => (await actions()).printTableDdl,
    }),
    defineCommand({
      name: 'describe',
      description: 'columns with their DuckDB and Hive types, derived from the event schemas',
      args: tableArgs,
      action: async () => (await actions()).describeTable,
    }),
  ],
});
