import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createRequire } from 'node:module';
import { GamepipeError } from '../../errors.js';
import type { TableSpec } from '../../events/tables.js';
import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import { LocalLakeStorage } from '../../lake/storage/local/local-lake-storage.js';
import { allTableSpecs } from '../lake-tables.js';
import type { LogTail } from '../log-tail.js';
import type { QueryEngine, QuerySink } from '../query-engine.js';
import { duckdbErrorType, duckdbFirstLine as firstLine } from './duckdb-errors.js';
import { declareIcebergViews, type IcebergViewSource, icebergTablesVersion } from './duckdb-iceberg-views.js';
import { declareHiveViews } from './duckdb-lake-views.js';
import { plainRows } from './duckdb-rows.js';

/**
 * DuckDB's Node API, loaded on first use with `require`: it is CommonJS, and `import()` of it first scans
 * its fifty re-exported files for their export names, which doubles its load time (~0.1 s).
 */
const duckdb = (): typeof import('@duckdb/node-api') =>
  createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');

/**
 * A writer's compaction may hide a file between the views' listing and the scan that opens it
 * (DuckDB's `IO Error`): a statement that fails so before its first chunk runs again on views
 * listed anew, up to RACE_RETRIES times. Nothing reached the sink yet, and a failed statement
 * changed nothing. A file hidden later in a long scan, after rows went out, fails the query.
 */
const RACE_RETRIES = 3;
const mayHaveRaced = (error: unknown) => duckdbErrorType(error) === 'IO Error';

/**
 * SQL over a local lake on an in-memory DuckDB: each declared table is a view over the files
 * committed when the views were declared, a fixed list, so one query reads one consistent set however
 * many files a writer adds meanwhile. Iceberg views are declared again before a statement when a
 * table's current snapshot changed since (Hive views, when the engine is opened). `dt` comes from the directory name (Hive tables) or the
 * manifests' partition values (Iceberg tables: the files of one snapshot). With the log's tail, the
 * views also hold the rows the log has and the files do not yet (staged when the views are declared).
 */
export class DuckdbQueryEngine implements QueryEngine {
  readonly name = 'duckdb';
  /** The statement streaming now, if any: the next one waits for it. */
  private running: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly queryTimeoutMs: number | undefined,
    /** Declares the views anew (over the files committed now) and returns the tables they declare. */
    private readonly declareViews: (connection: DuckDBConnection) => Promise<TableSpec[]>,
    /** The tables the views declare, for the hint when a statement names one that is not. */
    private declared: TableSpec[],
    /** Closes what the engine was handed to own (the Iceberg catalog). */
    private readonly release: () => Promise<void>,
    /** For Iceberg tables read at their current snapshots: what the catalog points at now (see icebergTablesVersion). */
    private readonly tablesVersion?: () => Promise<string>,
    private declaredVersion?: string,
  ) {}

  /**
   * `queryTimeoutMs`: a statement running longer is interrupted and fails with EXCEEDED_TIME_LIMIT, as on Trino.
   * `tail`: the log's tail, read beside the lake's files (none: the lake's files alone).
   * `iceberg`: the tables are Iceberg tables in this catalog, which the engine then owns and closes
   * (else Hive tables: directories the lake's catalog file declares).
   */
  static async open(
    storage: LakeStorage,
    options: { queryTimeoutMs?: number; tail?: LogTail; iceberg?: IcebergViewSource } = {},
  ): Promise<DuckdbQueryEngine> {
    if (!(storage instanceof LocalLakeStorage)) {
      throw new GamepipeError(
        'ENGINE_UNAVAILABLE',
        `DuckDB reads a lake in a local directory; this lake is ${storage.uri}`,
        {
          hint: 'query it through Trino or Presto with --trino-url or --presto-url',
        },
      );
    }
    const { DuckDBInstance } = duckdb();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const { iceberg, tail } = options;
      const declareViews = (on: DuckDBConnection) =>
        iceberg ? declareIcebergViews(on, storage, iceberg, tail) : declareHiveViews(on, storage, tail);
      const tablesVersion = iceberg && iceberg.asOfMs === undefined ? () => icebergTablesVersion(iceberg) : undefined;
      const version = await tablesVersion?.();
      const declared = await declareViews(connection);
      const release = async () => iceberg?.catalog.close();
      return new DuckdbQueryEngine(
        instance,
        connection,
        options.queryTimeoutMs,
        declareViews,
        declared,
        release,
        tablesVersion,
        version,
      );
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      await options.iceberg?.catalog.close();
      throw error;
    }
  }

  /**
   * Rows reach the sink chunk by chunk (2,048 rows) as DuckDB produces them; the next chunk is read
   * once the sink took the last. Statements run one at a time, in the order they were asked: a
   * statement started on the connection would end the streaming result of the one before it.
   */
  stream(sql: string, sink: QuerySink = {}): Promise<{ columns: string[]; rowCount: number }> {
    const turn = this.running.then(() => this.streamNow(sql, sink));
    this.running = turn.catch(() => undefined);
    return turn;
  }

  private async streamNow(sql: string, sink: QuerySink): Promise<{ columns: string[]; rowCount: number }> {
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
    const stopped = () => sink.signal?.aborted === true || timedOut;
    try {
      await this.viewsOnCurrentSnapshots();
      const { columns, batches } = await this.streamAgainIfRaced(sql, stopped);
      sink.onColumns?.(columns);
      let rowCount = 0;
      for await (const rows of batches) {
        if (stopped()) throw new Error('interrupted');
        rowCount += rows.length;
        await sink.onRows?.(rows);
        sink.onProgress?.({ state: 'RUNNING', rows: rowCount, elapsedMs: Date.now() - started });
      }
      if (stopped()) throw new Error('interrupted');
      sink.onProgress?.({ state: 'FINISHED', rows: rowCount, elapsedMs: Date.now() - started });
      return { columns, rowCount };
    } catch (error) {
      if (error instanceof GamepipeError) throw error;
      if (sink.signal?.aborted) throw new GamepipeError('QUERY_CANCELLED', 'query cancelled', { cause: error });
      if (timedOut)
        throw new GamepipeError(
          'SQL_ERROR',
          `EXCEEDED_TIME_LIMIT: the query ran longer than ${this.queryTimeoutMs} ms`,
          { cause: error, engineErrorName: 'EXCEEDED_TIME_LIMIT' },
        );
      const engineErrorName = duckdbErrorType(error);
      const hint =
        engineErrorName === 'Catalog Error' && this.namesUndeclaredTable(sql)
          ? 'create it with: gamepipe tables create all'
          : undefined;
      throw new GamepipeError('SQL_ERROR', firstLine(error), { hint, cause: error, engineErrorName });
    } finally {
      clearTimeout(timer);
      sink.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Iceberg tables: declares the views anew when a table's current snapshot changed since they were
   * declared, so a statement in `query`'s shell sees every commit made before it started (and never
   * reads files a compaction replaced long ago, which snapshot expiry deletes).
   */
  private async viewsOnCurrentSnapshots(): Promise<void> {
    if (!this.tablesVersion) return;
    const version = await this.tablesVersion();
    if (version === this.declaredVersion) return;
    this.declared = await this.declareViews(this.connection);
    this.declaredVersion = version;
  }

  /** Whether `sql` names one of gamepipe's tables that the lake does not declare (yet). */
  private namesUndeclaredTable(sql: string): boolean {
    const declared = new Set(this.declared.map((s) => s.table));
    const words = new Set(sql.toLowerCase().match(/\w+/g));
    return allTableSpecs.some((spec) => !declared.has(spec.table) && words.has(spec.table));
  }

  /** Starts the statement and reads its first chunk, again on views listed anew when a compaction raced it. */
  private async streamAgainIfRaced(
    sql: string,
    stopped: () => boolean,
  ): Promise<{ columns: string[]; batches: AsyncIterable<unknown[][]> | unknown[][][] }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.connection.stream(sql);
        const chunks = result.yieldRowsJson();
        const first = await chunks.next();
        const plain = plainRows(result);
        async function* batches() {
          for (let chunk = first; !chunk.done; chunk = await chunks.next()) yield plain(chunk.value);
        }
        return { columns: result.columnNames(), batches: batches() };
      } catch (error) {
        if (duckdbErrorType(error) === undefined && (await this.holdsNoStatement(sql)))
          return { columns: [], batches: [] };
        if (attempt > RACE_RETRIES || stopped() || !mayHaveRaced(error)) throw error;
        this.declared = await this.declareViews(this.connection);
      }
    }
  }

  /**
   * Whether `sql` holds no statement (blank, `;`, a comment): node-neo's `stream` then fails without
   * a DuckDB error, where its `run` answers an empty result, as gamepipe did before streaming.
   */
  private async holdsNoStatement(sql: string): Promise<boolean> {
    try {
      await this.connection.extractStatements(sql);
      return false;
    } catch (error) {
      return duckdbErrorType(error) === undefined;
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    await this.release();
  }
}
