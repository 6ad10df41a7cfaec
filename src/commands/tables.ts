import type { Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import type { Config } from '../config/config-fields.js';
import { GamepipeError } from '../errors.js';
import { duckdbType, hiveType } from '../events/field-types.js';
import { deadLetterSpec, tableSpecs, type TableSpec } from '../events/tables.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { formatResult } from '../sql/format-result.js';
import { hiveDdl } from '../sql/hive-ddl.js';
import { allTableSpecs, tableFiles, tableSpecNamed } from '../sql/lake-tables.js';
import { engineChoice, openTableRegistry } from '../sql/open-query-engine.js';
import type { TableRegistry } from '../sql/table-registry.js';
import { parseChoice } from './option-parsers.js';

const createTargets = ['all', 'buy', 'guild', 'user', 'dead_letter'] as const;

function specNamed(table: string, among: TableSpec[] = allTableSpecs): TableSpec {
  const spec = among.includes(tableSpecNamed(table)!) ? tableSpecNamed(table) : undefined;
  if (!spec) throw new GamepipeError('NOT_FOUND', `no table "${table}"`, { hint: `tables: ${among.map((s) => s.table).join(', ')}` });
  return spec;
}

/** Opens the lake and the configured registry, runs `body`, closes both. */
async function withRegistry<T>(config: Config, body: (registry: TableRegistry, storage: LakeStorage) => Promise<T>): Promise<T> {
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

export function registerTablesCommand(program: Command, resolveConfig: ConfigResolver): void {
  const tables = program.command('tables').description('the lake\'s tables: DuckDB views over its Parquet files, or Hive tables through Trino/Presto');

  tables
    .command('create')
    .argument('[which]', `${createTargets.join(', ')}`, 'all')
    .description('declare tables over the lake (in the Hive metastore when --trino-url or --presto-url is set) and their partitions; safe to repeat')
    .action(async (which: string, _options, command: Command) => {
      const target = parseChoice(which, createTargets, 'the table');
      const specs = target === 'all' ? allTableSpecs : target === 'dead_letter' ? [deadLetterSpec] : tableSpecs.filter((t) => t.name === target);
      const config = resolveConfig(command);
      await withRegistry(config, async (registry, storage) => {
        await storage.ping();
        for (const { table, outcome } of await registry.create(specs)) process.stdout.write(`${outcome === 'created' ? 'Created' : 'Exists '} ${table}\n`);
        for (const spec of specs) await registry.addPartitions(spec);
        if (engineChoice(config) !== 'duckdb') process.stdout.write(`Tables are in ${config.catalog}.${config.schema} over ${storage.uri}\n`);
      });
    });

  tables
    .command('list')
    .description('declared tables with their committed files')
    .action(async (_options, command: Command) => {
      await withRegistry(resolveConfig(command), async (registry, storage) => {
        const rows: unknown[][] = [];
        for (const spec of await registry.declared(allTableSpecs)) {
          rows.push([spec.table, spec.eventTypes.join(', ') || 'refused records', spec.columns.length, (await tableFiles(storage, spec)).length]);
        }
        process.stdout.write(formatResult({ columns: ['table', 'event types', 'columns', 'files'], rows }, 'table'));
      });
    });

  tables
    .command('ddl')
    .argument('<table>', 'e.g. events_buy')
    .option('--location <uri>', 'where the table\'s directory is (default: in the configured lake)')
    .option('--database <name>', 'Hive database', 'default')
    .description('print the Hive CREATE EXTERNAL TABLE statement for an event table (for HiveServer2 users), derived from the event schemas')
    .action(async (table: string, options: { location?: string; database: string }, command: Command) => {
      const spec = specNamed(table, tableSpecs);
      const storage = await openLakeStorage(resolveConfig(command));
      process.stdout.write(hiveDdl(spec, options.location ?? `${storage.uri}/${spec.table}`, options.database));
      await storage.close();
    });

  tables
    .command('describe')
    .argument('<table>', 'e.g. events_buy')
    .description('columns with their DuckDB and Hive types, derived from the event schemas')
    .action((table: string) => {
      const spec = specNamed(table);
      const rows = spec.columns.map((c) => [c.name, duckdbType[c.type], hiveType[c.type], c.required ? 'no' : 'yes', c.doc]);
      rows.push(['dt', 'DATE', 'STRING (partition)', 'no', 'UTC date partition, from the directory name']);
      process.stdout.write(formatResult({ columns: ['column', 'duckdb', 'hive', 'nullable', 'meaning'], rows }, 'table'));
    });
}
