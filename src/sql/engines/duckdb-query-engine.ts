import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createRequire } from 'node:module';
import { GamepipeError } from '../../errors.js';
import { duckdbType } from '../../events/field-types.js';
import type { TableSpec } from '../../events/tables.js';
import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import { LocalLakeStorage } from '../../lake/storage/local/local-lake-storage.js';
import { sqlIdentifier, sqlString } from '../../util/duckdb-sql.js';
import { tableFiles } from '../lake-tables.js';
import type { QueryEngine, QuerySink } from '../query-engine.js';
import { LakeCatalogRegistry } from './lake-catalog-registry.js';

/**
 * DuckDB's Node API, loaded on first use with `require`: it is CommonJS, and `import()` of it first scans
 * its fifty re-exported files for their export names, which doubles its load time (~0.1 s).
 */
const duckdb = (): typeof import('@duckdb/node-api') => createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');

/** The first line of a DuckDB error, which says what is wrong with the SQL. */
const firstLine = (error: unknown) => String((error as Error).message ?? error).split('\n')[0]!;

/** A 64-bit integer (which DuckDB hands over as text) as a number when that loses nothing. */
const safeNumber = (value: unknown): unknown => (typeof value === 'string' && Number.isSafeInteger(Number(value)) ? Number(value) : value);

/** Typed, empty: what a table looks like before its first file lands. */
function emptySelect(spec: TableSpec): string {
  const columns = spec.columns.map((c) => `CAST(NULL AS ${duckdbType[c.type]}) AS ${sqlIdentifier(c.name)}`);
  return `SELECT ${columns.join(', ')}, CAST(NULL AS DATE) AS dt WHERE false`;
}

/**
 * A writer's compaction may hide a file between the views' listing and the scan that opens it: the
 * statement then runs again on views listed anew, up to RACE_RETRIES times. Nothing reached the
 * sink yet (rows are handed over once the statement is complete), and a failed statement changed nothing.
 */
const RACED_COMPACTION = /Cannot open file "[^"]*\.parquet": No such file or directory|No files found that match the pattern/;
const RACE_RETRIES = 3;

/** (Re)declares each declared table as a view over the files committed now. */
async function declareViews(connection: DuckDBConnection, storage: LocalLakeStorage): Promise<void> {
  try {
    for (const spec of await new LakeCatalogRegistry(storage).declared()) {
      const files = (await tableFiles(storage, spec)).map((f) => sqlString(storage.localPath(f.path)));
      const body = files.length === 0 ? emptySelect(spec) : `SELECT * FROM read_parquet([${files.join(', ')}], hive_partitioning = true, hive_types = {'dt': DATE})`;
      await connection.run(`CREATE OR REPLACE VIEW ${sqlIdentifier(spec.table)} AS ${body}`);
    }
  } catch (error) {
    throw new GamepipeError('LAKE_ERROR', `could not open the lake's tables: ${firstLine(error)}`, { cause: error });
  }
}

/**
 * SQL over a local lake on an in-memory DuckDB: each declared table is a view over the files
 * committed when the views were declared, a fixed list, so one query reads one consistent set however
 * many files a writer adds meanwhile. `dt` comes from the directory name.
 */
export class DuckdbQueryEngine implements QueryEngine {
  readonly name = 'duckdb';

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly storage: LocalLakeStorage,
    private readonly queryTimeoutMs: number | undefined,
  ) {}

  /** `queryTimeoutMs`: a statement running longer is interrupted and fails with EXCEEDED_TIME_LIMIT, as on Trino. */
  static async open(storage: LakeStorage, options: { queryTimeoutMs?: number } = {}): Promise<DuckdbQueryEngine> {
    if (!(storage instanceof LocalLakeStorage)) {
      throw new GamepipeError('ENGINE_UNAVAILABLE', `DuckDB reads a lake in a local directory; this lake is ${storage.uri}`, {
        hint: 'query it through Trino or Presto with --trino-url or --presto-url',
      });
    }
    const { DuckDBInstance } = duckdb();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await declareViews(connection, storage);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
    return new DuckdbQueryEngine(instance, connection, storage, options.queryTimeoutMs);
  }

  async stream(sql: string, sink: QuerySink = {}): Promise<{ columns: string[]; rowCount: number }> {
    if (sink.signal?.aborted) throw new GamepipeError('QUERY_CANCELLED', 'query cancelled');
    const started = Date.now();
    const onAbort = () => this.connection.interrupt();
    sink.signal?.addEventListener('abort', onAbort);
    let timedOut = false;
    const timer =
      this.queryTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            this.connection.interrupt();
          }, this.queryTimeoutMs);
    try {
      const result = await this.runAgainIfRaced(sql, () => sink.signal?.aborted === true || timedOut);
      const { DuckDBTypeId } = duckdb();
      const wideIntegers = new Set<number>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
      const asNumber = result.columnTypes().map((type) => wideIntegers.has(type.typeId));
      const rows = ((await result.getRowsJson()) as unknown[][]).map((row) => row.map((value, i) => (asNumber[i] ? safeNumber(value) : value)));
      const columns = result.columnNames();
      sink.onColumns?.(columns);
      if (rows.length > 0) sink.onRows?.(rows);
      sink.onProgress?.({ state: 'FINISHED', rows: rows.length, elapsedMs: Date.now() - started });
      return { columns, rowCount: rows.length };
    } catch (error) {
      if (error instanceof GamepipeError) throw error;
      if (sink.signal?.aborted) throw new GamepipeError('QUERY_CANCELLED', 'query cancelled', { cause: error });
      if (timedOut) throw new GamepipeError('SQL_ERROR', `EXCEEDED_TIME_LIMIT: the query ran longer than ${this.queryTimeoutMs} ms`, { cause: error });
      const message = firstLine(error);
      const hint = /Table with name events_\w+ does not exist/.test(message) ? 'create it with: gamepipe tables create all' : undefined;
      throw new GamepipeError('SQL_ERROR', message, { hint, cause: error });
    } finally {
      clearTimeout(timer);
      sink.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async runAgainIfRaced(sql: string, stopped: () => boolean): ReturnType<DuckDBConnection['runAndReadAll']> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.connection.runAndReadAll(sql);
      } catch (error) {
        if (attempt > RACE_RETRIES || stopped() || !RACED_COMPACTION.test(firstLine(error))) throw error;
        await declareViews(this.connection, this.storage);
      }
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
