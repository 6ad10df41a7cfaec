import { duration as formatDuration } from '../report/format-figures.js';
import type { Config } from '../config/config-fields.js';
import { GamepipeError } from '../errors.js';
import { duckdbType, hiveType } from '../events/field-types.js';
import { deadLetterSpec, tableSpecs, type TableSpec } from '../events/tables.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import type { ClosedPartitionOutcome } from '../lake/commit/closed-partition-compactor.js';
import { lakeLocation, openLakeStorage, scratchDirFor } from '../lake/storage/open-lake-storage.js';
import { formatResult } from '../sql/format-result.js';
import { hiveDdl } from '../sql/hive-ddl.js';
import { allTableSpecs, tableDirs, tableSpecNamed } from '../sql/lake-tables.js';
import { openTableFileLister } from '../sql/table-file-lister.js';
import { deploymentOf, engineChoice } from '../config/deployment.js';
import { openTableRegistry } from '../sql/open-query-engine.js';
import type { TableRegistry } from '../sql/table-registry.js';
import type { CommandAction } from './command-spec.js';
import { declareLakeTables } from '../sql/declare-lake-tables.js';

const outcomeWords = { created: 'Created', exists: 'Exists ', evolved: 'Evolved' } as const;
import type { createTargets, tableArgs, tablesCompactOptions, tablesCreateArgs, tablesDdlOptions } from './tables.js';

// The four `tables` subcommands share the two helpers below, so their actions live together.

function specNamed(table: string, among: TableSpec[] = allTableSpecs): TableSpec {
  const spec = among.includes(tableSpecNamed(table)!) ? tableSpecNamed(table) : undefined;
  if (!spec)
    throw new GamepipeError('NOT_FOUND', `no table "${table}"`, {
      hint: `tables: ${among.map((s) => s.table).join(', ')}`,
    });
  return spec;
}

/** Opens the lake and the configured registry, runs `body`, closes both. */
async function withRegistry<T>(
  config: Config,
  body: (registry: TableRegistry, storage: LakeStorage) => Promise<T>,
): Promise<T> {
  const storage = await openLakeStorage(config);
  try {
    const registry = await openTableRegistry(config, storage);
    try {
      return await body(registry, storage);
    } finally {
      await registry.close();
    }
  } finally {
    await storage.close();
  }
}

const specsOf = (target: (typeof createTargets)[number]): TableSpec[] =>
  target === 'all'
    ? allTableSpecs
    : target === 'dead_letter'
      ? [deadLetterSpec]
      : tableSpecs.filter((t) => t.name === target);

export const createTables: CommandAction<typeof tablesCreateArgs, {}> = async ({
  args: { which: target },
  config: resolveConfig,
}) => {
  const specs = specsOf(target);
  const config = resolveConfig();
  await withRegistry(config, async (registry, storage) => {
    await storage.ping();
    for (const { table, outcome } of await declareLakeTables(config, registry, storage, specs))
      process.stdout.write(`${outcomeWords[outcome]} ${table}\n`);
    if (deploymentOf(config).tableFormat === 'iceberg')
      process.stdout.write(
        config.metastoreUrl
          ? `Tables are Iceberg tables in the metastore's database ${config.schema} over ${storage.uri} (Trino: --catalog iceberg --schema ${config.schema})\n`
          : `Tables are Iceberg tables cataloged in the lake itself (each table's metadata/) over ${storage.uri}\n`,
      );
    else if (engineChoice(config) !== 'duckdb')
      process.stdout.write(`Tables are in ${config.catalog}.${config.schema} over ${storage.uri}\n`);
    else if (lakeLocation(config).kind !== 'local')
      process.stdout.write(
        `Tables are declared in the lake's own catalog over ${storage.uri}, which DuckDB cannot read here: for SQL, create them in Trino or Presto (--trino-url, --metastore-url)\n`,
      );
  });
};

export const compactTables: CommandAction<typeof tablesCreateArgs, typeof tablesCompactOptions> = async ({
  args: { which },
  options,
  config: resolveConfig,
}) => {
  const config = resolveConfig();
  if (!deploymentOf(config).compaction.closedDays) {
    throw new GamepipeError(
      'CONFIG_INVALID',
      `compacting closed partitions under ${engineChoice(config)} needs the Hive metastore behind it (--metastore-url): nothing was compacted`,
      {
        hint: "e.g. --metastore-url thrift://metastore:9083; a file metastore cannot switch a partition's location atomically",
      },
    );
  }
  // Loaded here, not with the other `tables` actions: the compactor brings the Parquet encoders.
  const { compactClosedPartitions, defaultClosedPartitionPolicy } = await import(
    '../lake/commit/closed-partition-compactor.js'
  );
  const { createParquetWriter } = await import('../lake/parquet/create-parquet-writer.js');
  await withRegistry(config, async (registry, storage) => {
    await storage.ping();
    const parquet = await createParquetWriter();
    try {
      const compaction = {
        storage,
        parquet,
        scratch: scratchDirFor(config, 'compact'),
        locations: registry,
        policy: { ...defaultClosedPartitionPolicy, latenessMs: options.lateness, graceMs: options.grace },
      };
      const outcomes = await compactClosedPartitions(compaction, specsOf(which), tableDirs);
      for (const outcome of outcomes) process.stdout.write(`${describeOutcome(outcome)}\n`);
      // Silence would read as "did it run?": say why nothing changed.
      if (outcomes.length === 0)
        process.stdout.write(
          `nothing to compact in ${storage.uri}: no closed day (a UTC day over for --lateness, ${formatDuration(options.lateness)}) left to merge, switch or clean\n`,
        );
    } finally {
      await parquet.close();
    }
  });
};

function describeOutcome(o: ClosedPartitionOutcome): string {
  const done =
    o.generation === undefined
      ? []
      : [`${o.filesBefore} files merged into ${o.filesAfter} (${o.rows} rows) in generation ${o.generation}`];
  if (o.switched) done.push('readers switched to it');
  if (o.deleted > 0) done.push(`${o.deleted} older files deleted`);
  return `${o.dateDir}: ${done.join(', ')}`;
}

export const listTables: CommandAction<{}, {}> = async ({ config }) => {
  const resolved = config();
  await withRegistry(resolved, async (registry, storage) => {
    const rows: unknown[][] = [];
    const lister = await openTableFileLister(resolved, storage);
    try {
      for (const spec of await registry.declared(allTableSpecs)) {
        rows.push([
          spec.table,
          spec.eventTypes.join(', ') || 'refused records',
          spec.columns.length,
          (await lister.files(spec)).length,
        ]);
      }
    } finally {
      await lister.close();
    }
    process.stdout.write(formatResult({ columns: ['table', 'event types', 'columns', 'files'], rows }, 'table'));
  });
};

export const printTableDdl: CommandAction<typeof tableArgs, typeof tablesDdlOptions> = async ({
  args,
  options,
  config,
}) => {
  const spec = specNamed(args.table, tableSpecs);
  const storage = await openLakeStorage(config());
  process.stdout.write(hiveDdl(spec, options.location ?? `${storage.uri}/${spec.table}`, options.database));
  await storage.close();
};

export const describeTable: CommandAction<typeof tableArgs, {}> = async ({ args }) => {
  const spec = specNamed(args.table);
  const rows = spec.columns.map((c) => [
    c.name,
    duckdbType[c.type],
    hiveType[c.type],
    c.required ? 'no' : 'yes',
    c.doc,
  ]);
  rows.push(['dt', 'DATE', 'STRING (partition)', 'no', 'UTC date partition, from the directory name']);
  process.stdout.write(formatResult({ columns: ['column', 'duckdb', 'hive', 'nullable', 'meaning'], rows }, 'table'));
};
