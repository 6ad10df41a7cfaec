import { GamepipeError, isGamepipeError } from '../../errors.js';
import type { TableSpec } from '../../events/tables.js';
import { ownersOf } from '../../lake/owners.js';
import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import { queryAll, type QueryEngine } from '../query-engine.js';
import type { TableRegistration, TableRegistry } from '../table-registry.js';
import {
  createTableSql,
  hiveTableLayout,
  layoutDifferences,
  type HiveColumn,
  type HiveTableLayout,
} from './hive-table-layout.js';
import { HiveMetastoreClient } from '../../metastore/hive-metastore-client.js';
import { partitionLocation } from '../../metastore/hive-metastore-objects.js';
import { currentGenerationDir, datePartitionDirs } from '../../lake/lake-files.js';
import { tableDirs } from '../lake-tables.js';
import { normalLocation } from '../../metastore/normal-location.js';
import { trinoName, trinoString } from './trino-sql.js';

export interface HiveTableRegistryOptions {
  /** A Trino or Presto engine. */
  engine: QueryEngine;
  catalog: string;
  schema: string;
  /** The lake as the engine reads it: `hdfs://127.0.0.1:8020/lake` or `file:///abs/lake`. */
  lakeUri: string;
  /**
   * The lake's storage, when the caller has it: `create` then makes a table's directory before
   * declaring it (Trino refuses an external location that does not exist), and `addPartitions`
   * without dates can find the dead letters' partitions, which only a listing reveals.
   */
  storage?: Pick<LakeStorage, 'list' | 'mkdirs'>;
  /**
   * The Hive metastore behind the engine (`thrift://host:9083`): compaction of a closed partition
   * switches the partition's location there in one `alter_partition` (Trino's SQL has no such
   * statement). Without it `partitionDir` and `switchPartition` fail with CONFIG_INVALID.
   */
  metastoreUrl?: string;
}

const dateOf = (partition: string): string => partition.replace(/^dt=/, '');
const engineFailed = (error: unknown, name: string) => isGamepipeError(error) && error.engineErrorName === name;
/** `register_partition` of a partition there already. */
const alreadyRegistered = (error: unknown) => engineFailed(error, 'ALREADY_EXISTS');
/**
 * `register_partition` at a location that does not exist: of its arguments, all gamepipe's own
 * (schema, table, the layout's keys, the values), only the location can be wrong at run time.
 */
const locationMissing = (error: unknown) => engineFailed(error, 'INVALID_PROCEDURE_ARGUMENT');
/**
 * `CREATE TABLE` over an external location that is not a directory: of the table's properties
 * (external_location, format, partitioned_by, all gamepipe's own), only the location can be refused at run time.
 */
const locationRefused = (error: unknown) => engineFailed(error, 'INVALID_TABLE_PROPERTY');

/**
 * The lake's tables in a Hive metastore, declared and read through Trino's (or Presto's) Hive
 * connector. Every table is external: dropping one leaves its files. See HiveTableLayout for the
 * dead letters' (writer, dt) partitioning. The registry owns the engine it is given: `close`
 * closes it.
 */
export class HiveTableRegistry implements TableRegistry {
  private readonly options: HiveTableRegistryOptions;
  private metastoreClient: HiveMetastoreClient | undefined;

  constructor(options: HiveTableRegistryOptions) {
    this.options = options;
  }

  private layout(spec: TableSpec): HiveTableLayout {
    return hiveTableLayout(spec, this.options.lakeUri, this.options.engine.name);
  }

  private async rows(sql: string): Promise<unknown[][]> {
    return (await queryAll(this.options.engine, sql)).rows;
  }

  /** The declared columns of these tables, by table; tables not declared are absent. */
  private async declaredColumns(tables: string[]): Promise<Map<string, HiveColumn[]>> {
    const { catalog, schema } = this.options;
    const found = new Map<string, HiveColumn[]>();
    if (tables.length === 0) return found;
    const rows = await this.rows(
      `SELECT table_name, column_name, data_type, extra_info FROM ${trinoName(catalog, 'information_schema', 'columns')} ` +
        `WHERE table_schema = ${trinoString(schema)} AND table_name IN (${tables.map(trinoString).join(', ')}) ORDER BY table_name, ordinal_position`,
    );
    for (const [table, name, type, extra] of rows as [string, string, string, string | null][]) {
      found.set(table, [...(found.get(table) ?? []), { name, type, partitionKey: extra === 'partition key' }]);
    }
    return found;
  }

  private async declaredLocation(table: string): Promise<string | undefined> {
    const [[ddl] = []] = await this.rows(
      `SHOW CREATE TABLE ${trinoName(this.options.catalog, this.options.schema, table)}`,
    );
    return /external_location = '((?:[^']|'')*)'/.exec(String(ddl))?.[1]?.replaceAll("''", "'");
  }

  async create(specs: TableSpec[]): Promise<TableRegistration[]> {
    const { catalog, schema, storage } = this.options;
    await this.rows(`CREATE SCHEMA IF NOT EXISTS ${trinoName(catalog, schema)}`);
    const layouts = specs.map((spec) => this.layout(spec));
    const declared = await this.declaredColumns(specs.map((s) => s.table));
    // Every existing table is checked before any is created, so a mismatch changes nothing.
    const mismatches: string[] = [];
    for (const layout of layouts) {
      const columns = declared.get(layout.spec.table);
      if (!columns) continue;
      const differences = layoutDifferences(layout, columns, await this.declaredLocation(layout.spec.table));
      if (differences.length > 0) mismatches.push(`${layout.spec.table}: ${differences.join('; ')}`);
    }
    if (mismatches.length > 0) {
      throw new GamepipeError('TABLE_MISMATCH', mismatches.join(' | '), {
        hint: `the table was left as it is: drop it in ${catalog}.${schema} (its files stay) and create it again, or fix the schemas`,
      });
    }
    const registrations: TableRegistration[] = [];
    for (const layout of layouts) {
      if (declared.has(layout.spec.table)) {
        registrations.push({ table: layout.spec.table, outcome: 'exists' });
        continue;
      }
      await storage?.mkdirs(layout.spec.table);
      await this.rows(createTableSql(layout, catalog, schema)).catch((error: unknown) => {
        if (!locationRefused(error)) throw error;
        throw new GamepipeError(
          'LAKE_NOT_FOUND',
          `${layout.spec.table}: ${layout.location} does not exist, and Trino declares external tables only over existing directories`,
          {
            hint: 'start a stream writer first (it creates the table directories), or create the directory',
            cause: error,
          },
        );
      });
      registrations.push({ table: layout.spec.table, outcome: 'created' });
    }
    return registrations;
  }

  async declared(specs: TableSpec[]): Promise<TableSpec[]> {
    const rows = await this.rows(
      `SELECT table_name FROM ${trinoName(this.options.catalog, 'information_schema', 'tables')} WHERE table_schema = ${trinoString(this.options.schema)}`,
    );
    const names = new Set(rows.map(([name]) => name));
    return specs.filter((spec) => names.has(spec.table));
  }

  async addPartitions(spec: TableSpec, partitions?: string[]): Promise<void> {
    const layout = this.layout(spec);
    if (layout.explicitPartitionLocations) return this.addWriterPartitions(layout, partitions?.map(dateOf));
    const { catalog, schema } = this.options;
    if (!partitions) {
      await this.rows(
        `CALL ${trinoName(catalog, 'system', 'sync_partition_metadata')}(${trinoString(schema)}, ${trinoString(spec.table)}, 'ADD')`,
      );
      await this.alignGenerations(spec);
      return;
    }
    const known = new Set((await this.partitionValues(spec)).map(([dt]) => dt));
    for (const dt of partitions.map(dateOf).filter((d) => !known.has(d))) {
      await this.register(layout, [dt]);
    }
  }

  /** The dead letters: a partition per writer directory and date, each at its explicit location. */
  private async addWriterPartitions(layout: HiveTableLayout, dates: string[] | undefined): Promise<void> {
    const known = new Set((await this.partitionValues(layout.spec)).map((values) => values.join('/')));
    const candidates = dates
      ? ownersOf('all').flatMap((writer) => dates.map((dt) => [writer, dt]))
      : await this.listWriterPartitions(layout);
    for (const values of candidates.filter((v) => !known.has(v.join('/')))) {
      try {
        await this.register(layout, values, `${layout.location}/${values[0]}/dt=${values[1]}`);
      } catch (error) {
        // Dates were given for every writer: a writer without dead letters that day has no directory.
        if (!(dates && locationMissing(error))) throw error;
      }
    }
  }

  private async listWriterPartitions(layout: HiveTableLayout): Promise<string[][]> {
    const { storage } = this.options;
    if (!storage)
      throw new Error(
        `finding the partitions of ${layout.spec.table} needs the lake storage (HiveTableRegistry's storage option), or the dates`,
      );
    const found: string[][] = [];
    for (const writer of (await storage.list(layout.spec.table)).filter(
      (e) => e.isDirectory && !/^[_.]/.test(e.name),
    )) {
      for (const day of await storage.list(writer.path)) {
        if (day.isDirectory && day.name.startsWith('dt=')) found.push([writer.name, dateOf(day.name)]);
      }
    }
    return found;
  }

  private async partitionValues(spec: TableSpec): Promise<string[][]> {
    const rows = await this.rows(
      `SELECT * FROM ${trinoName(this.options.catalog, this.options.schema, `${spec.table}$partitions`)}`,
    );
    return rows.map((row) => row.map(String));
  }

  private async register(layout: HiveTableLayout, values: string[], location?: string): Promise<void> {
    const { catalog, schema } = this.options;
    const args = [
      trinoString(schema),
      trinoString(layout.spec.table),
      `ARRAY[${layout.partitionKeys.map(trinoString).join(', ')}]`,
      `ARRAY[${values.map(trinoString).join(', ')}]`,
      ...(location ? [trinoString(location)] : []),
    ];
    try {
      await this.rows(`CALL ${trinoName(catalog, 'system', 'register_partition')}(${args.join(', ')})`);
    } catch (error) {
      // Another process registered it meanwhile: the partition is there, which is what was asked.
      if (!alreadyRegistered(error)) throw error;
    }
  }

  private metastore(): HiveMetastoreClient {
    const url = this.options.metastoreUrl;
    if (!url) {
      throw new GamepipeError(
        'CONFIG_INVALID',
        `switching a partition's location needs the Hive metastore behind ${this.options.engine.name}: --metastore-url is not set`,
        {
          hint: "e.g. --metastore-url thrift://metastore:9083 (GAMEPIPE_METASTORE_URL); Trino's file metastore has no atomic location switch",
        },
      );
    }
    this.metastoreClient ??= new HiveMetastoreClient({ url });
    return this.metastoreClient;
  }

  /** `events_buy/dt=2026-11-28` is `dt=2026-11-28`; `events_dead_letter/buy/dt=2026-11-28` is `writer=buy/dt=2026-11-28`. */
  private partitionName(dateDir: string): string {
    const below = dateDir.split('/').slice(1);
    return below.length === 2 ? `writer=${below[0]}/${below[1]}` : below[0]!;
  }

  private lakePathOf(location: string): string | undefined {
    const root = `${normalLocation(this.options.lakeUri)}/`;
    const normal = normalLocation(location);
    return normal.startsWith(root) ? normal.slice(root.length) : undefined;
  }

  async partitionDir(spec: TableSpec, dateDir: string): Promise<string | undefined> {
    const partition = await this.metastore().getPartition(this.options.schema, spec.table, this.partitionName(dateDir));
    const location = partition && partitionLocation(partition);
    return location === undefined ? undefined : this.lakePathOf(location);
  }

  async switchPartition(spec: TableSpec, dateDir: string, to: string, from: string): Promise<void> {
    const uri = (path: string) => `${this.options.lakeUri.replace(/\/+$/, '')}/${path}`;
    await this.metastore().switchPartitionLocation(
      this.options.schema,
      spec.table,
      this.partitionName(dateDir),
      uri(to),
      uri(from),
    );
  }

  /**
   * Partitions just registered by `sync_partition_metadata` point at their `dt=` directory: one
   * that compaction has moved on to a newer generation is pointed there (its older files may be
   * gone). That takes the metastore: without --metastore-url a compacted day fails CONFIG_INVALID.
   */
  private async alignGenerations(spec: TableSpec): Promise<void> {
    const { storage } = this.options;
    if (!storage) return;
    for (const tableDir of tableDirs(spec)) {
      for (const dateDir of await datePartitionDirs(storage, tableDir)) {
        const current = await currentGenerationDir(storage, dateDir);
        const declared = current === dateDir ? undefined : await this.partitionDir(spec, dateDir);
        if (declared !== undefined && declared !== current)
          await this.switchPartition(spec, dateDir, current, declared);
      }
    }
  }

  async close(): Promise<void> {
    await this.metastoreClient?.close();
    await this.options.engine.close();
  }
}
