import type { DuckDBConnection } from '@duckdb/node-api';
import { GamepipeError, isGamepipeError } from '../../errors.js';
import type { TableSpec } from '../../events/tables.js';
import type { LiveDataFile } from '../../iceberg/data-file.js';
import type { IcebergCatalog } from '../../iceberg/iceberg-catalog.js';
import { readTableSnapshots } from '../../iceberg/read/table-snapshot.js';
import { ICEBERG_INTENT_DIR } from '../../iceberg/write/multi-table-intent.js';
import type { LocalLakeStorage } from '../../lake/storage/local/local-lake-storage.js';
import { sqlIdentifier, sqlString } from '../../util/duckdb-sql.js';
import { icebergTailBounds } from '../iceberg-tail-bounds.js';
import { allTableSpecs } from '../lake-tables.js';
import type { LogTail } from '../log-tail.js';
import { duckdbFirstLine as firstLine } from './duckdb-errors.js';
import { emptySelect, lakeAndTail, stageTail, tailSelect, viewColumns } from './duckdb-lake-views.js';

/** Where DuckDB finds the lake's Iceberg tables, and which moment it reads. */
export interface IcebergViewSource {
  catalog: IcebergCatalog;
  /** The catalog database (`--schema`). */
  database: string;
  /** Read the tables as of this time (UTC ms): their snapshots then, and no log tail. */
  asOfMs?: number;
}

const dateLiteral = (dt: string | null | undefined) => (dt ? `DATE ${sqlString(dt)}` : 'CAST(NULL AS DATE)');

/**
 * A snapshot's files as the table's rows: one `read_parquet` per `dt` (the files hold no `dt`, or a
 * writer's own copy of it: the manifest's partition value is the one that counts), stacked by name
 * on the typed empty row set, so a column no file has yet (a field added by schema evolution) reads null.
 */
function snapshotSelect(spec: TableSpec, files: LiveDataFile[], storage: LocalLakeStorage): string | undefined {
  if (files.length === 0) return undefined;
  const byDay = new Map<string | null, string[]>();
  for (const file of files) {
    const dt = file.partition.dt ?? null;
    if (!byDay.has(dt)) byDay.set(dt, []);
    byDay.get(dt)!.push(sqlString(storage.localPath(file.path)));
  }
  const days = [...byDay].map(
    ([dt, paths]) =>
      `SELECT COLUMNS(c -> c <> 'dt'), ${dateLiteral(dt)} AS dt FROM read_parquet([${paths.join(', ')}], union_by_name = true)`,
  );
  return `(SELECT ${viewColumns(spec)} FROM (${[emptySelect(spec), ...days].join(' UNION ALL BY NAME ')}))`;
}

/**
 * Where each table's catalog points now (its current metadata file), as one string: it changes with
 * every commit to any of them, so a long-lived engine (`query`'s shell) declares its views anew
 * before a statement only when a writer, Trino or maintenance committed since.
 */
export async function icebergTablesVersion(source: IcebergViewSource): Promise<string> {
  const pointers = await Promise.all(
    allTableSpecs.map((spec) => source.catalog.currentLocation({ database: source.database, table: spec.table })),
  );
  return pointers.map((p) => p ?? '').join('\n');
}

/**
 * Iceberg tables: (re)declares a view per table the catalog has, over the files of its current
 * snapshot (or the one current at `asOfMs`) listed from the manifests, and, with `tail` and no
 * `asOfMs`, the log's rows past the positions that same snapshot records.
 */
export async function declareIcebergViews(
  connection: DuckDBConnection,
  storage: LocalLakeStorage,
  source: IcebergViewSource,
  tail: LogTail | undefined,
): Promise<TableSpec[]> {
  try {
    const reading = tail && source.asOfMs === undefined;
    const versionBefore = reading ? await icebergTablesVersion(source) : '';
    const snapshots = await readTableSnapshots({
      storage,
      catalog: source.catalog,
      database: source.database,
      tables: allTableSpecs.map((s) => s.table),
      asOfMs: source.asOfMs,
    });
    const specs = allTableSpecs.filter((spec) => snapshots.has(spec.table));
    let withTail = new Set<string>();
    if (reading) {
      // No commit landed while the snapshots were read, and none across tables is pending: each
      // table's rows below its owner's highest position are in its files (see icebergTailBounds).
      const settled =
        (await icebergTablesVersion(source)) === versionBefore &&
        !(await storage.list(ICEBERG_INTENT_DIR)).some((entry) => entry.name.endsWith('.json'));
      withTail = await stageTail(connection, tail, icebergTailBounds(snapshots.values(), settled), specs, []);
    }
    for (const spec of specs) {
      const lake = snapshotSelect(spec, snapshots.get(spec.table)!.files, storage);
      let body = lake ? `SELECT * FROM ${lake}` : emptySelect(spec);
      if (withTail.has(spec.table)) body = lake ? lakeAndTail(spec, lake) : tailSelect(spec);
      await connection.run(`CREATE OR REPLACE VIEW ${sqlIdentifier(spec.table)} AS ${body}`);
    }
    return specs;
  } catch (error) {
    if (isGamepipeError(error)) throw error;
    throw new GamepipeError('LAKE_ERROR', `could not open the lake's Iceberg tables: ${firstLine(error)}`, {
      cause: error,
    });
  }
}
