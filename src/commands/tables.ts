import type { Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import { GamepipeError } from '../errors.js';
import { duckdbType, hiveType } from '../events/field-types.js';
import { deadLetterSpec, tableSpecs, type TableSpec } from '../events/tables.js';
import { lakeRoot } from '../lake/lake-paths.js';
import { resolve } from 'node:path';
import { formatResult } from '../sql/format-result.js';
import { hiveDdl } from '../sql/hive-ddl.js';
import { tableFiles } from '../sql/lake-views.js';
import { allTableSpecs, registerTables, registeredTables } from '../sql/table-catalog.js';
import { parseChoice } from './option-parsers.js';

const createTargets = ['all', 'buy', 'guild', 'user', 'dead_letter'] as const;

function specNamed(table: string, among: TableSpec[] = allTableSpecs): TableSpec {
  const spec = among.find((s) => s.table === table);
  if (!spec) throw new GamepipeError('NOT_FOUND', `no table "${table}"`, { hint: `tables: ${among.map((s) => s.table).join(', ')}` });
  return spec;
}

export function registerTablesCommand(program: Command, resolveConfig: ConfigResolver): void {
  const tables = program.command('tables').description('the lake\'s tables (DuckDB views over its Parquet files)');

  tables
    .command('create')
    .argument('[which]', `${createTargets.join(', ')}`, 'all')
    .description('register tables so that `gamepipe query` can read them (safe to repeat)')
    .action((which: string, _options, command: Command) => {
      const target = parseChoice(which, createTargets, 'the table');
      const specs = target === 'all' ? allTableSpecs : target === 'dead_letter' ? [deadLetterSpec] : tableSpecs.filter((t) => t.name === target);
      const added = registerTables(lakeRoot(resolveConfig(command).dataDir), specs);
      for (const spec of specs) process.stdout.write(`${added.includes(spec) ? 'Created' : 'Exists '} ${spec.table}\n`);
    });

  tables
    .command('list')
    .description('registered tables with their committed files')
    .action((_options, command: Command) => {
      const root = lakeRoot(resolveConfig(command).dataDir);
      const rows = registeredTables(root).map((spec) => [spec.table, spec.eventTypes.join(', ') || 'refused records', spec.columns.length, tableFiles(root, spec).length]);
      process.stdout.write(formatResult({ columns: ['table', 'event types', 'columns', 'files'], rows }, 'table'));
    });

  tables
    .command('ddl')
    .argument('<table>', 'e.g. events_buy')
    .option('--location <uri>', 'where the table\'s directory is, e.g. hdfs://namenode:8020/lake/events_buy (default: the local lake)')
    .option('--database <name>', 'Hive database', 'default')
    .description('print the Hive CREATE EXTERNAL TABLE statement for an event table, derived from the event schemas')
    .action((table: string, options: { location?: string; database: string }, command: Command) => {
      const spec = specNamed(table, tableSpecs);
      const location = options.location ?? `file://${resolve(lakeRoot(resolveConfig(command).dataDir), spec.table)}`;
      process.stdout.write(hiveDdl(spec, location, options.database));
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
