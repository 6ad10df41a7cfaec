import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createRequire } from 'node:module';
import { GamepipeError } from '../../errors.js';
import { duckdbType } from '../../events/field-types.js';
import { deadLetterSpec, type TableSpec } from '../../events/tables.js';
import {
  deadLetterRowsSelect,
  eventRowsSelect,
  openStaging,
  type Staging,
} from '../../lake/parquet/duckdb-row-selects.js';
import type { Positions } from '../../eventlog/event-log.js';
import type { CommittedFile } from '../../lake/lake-paths.js';
import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import { LocalLakeStorage } from '../../lake/storage/local/local-lake-storage.js';
import { sqlIdentifier, sqlString } from '../../util/duckdb-sql.js';
import { allTableSpecs, tableFiles } from '../lake-tables.js';
import type { LogTail } from '../log-tail.js';
import type { QueryEngine, QuerySink } from '../query-engine.js';
import { duckdbErrorType, duckdbFirstLine as firstLine } from './duckdb-errors.js';
import { plainRows } from './duckdb-rows.js';
import { LakeCatalogRegistry } from './lake-catalog-registry.js';

/**
 * DuckDB's Node API, loaded on first use with `require`: it is CommonJS, and `import()` of it first scans
 * its fifty re-exported files for their export names, which doubles its load time (~0.1 s).
 */
const duckdb = (): typeof import('@duckdb/node-api') =>
  createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');

/** Typed, empty: what a table looks like before its first file lands. */
function emptySelect(spec: TableSpec): string {
  const columns = spec.columns.map((c) => `CAST(NULL AS ${duckdbType[c.type]}) AS ${sqlIdentifier(c.name)}`);
  return `SELECT ${columns.join(', ')}, CAST(NULL AS DATE) AS dt WHERE false`;
}

/**
 * A writer's compaction may hide a file between the views' listing and the scan that opens it
 * (DuckDB's `IO Error`): a statement that fails so before its first chunk runs again on views
 * listed anew, up to RACE_RETRIES times. Nothing reached the sink yet, and a failed statement
 * changed nothing. A file hidden later in a long scan, after rows went out, fails the query.
 */
const RACE_RETRIES = 3;
const mayHaveRaced = (error: unknown) => duckdbErrorType(error) === 'IO Error';

/** Where a table's rows from the log's tail are staged: a database of their own, so that `show tables` lists the views alone. */
const TAIL_CATALOG = '_gamepipe_tail';
const tailTable = (spec: TableSpec) => `${sqlIdentifier(TAIL_CATALOG)}.${sqlIdentifier(spec.table)}`;

/** The table's columns and `dt`, in order. */
const viewColumns = (spec: TableSpec) => [...spec.columns.map((c) => sqlIdentifier(c.name)), 'dt'].join(', ');

/** A table's rows from the tail, with `dt` as the writer would partition them (the event's date; a dead letter's log date). */
function tailSelect(spec: TableSpec): string {
  const rows = spec === deadLetterSpec ? deadLetterRowsSelect(tailTable(spec)) : eventRowsSelect(spec, tailTable(spec));
  return `SELECT ${viewColumns(spec)} FROM (SELECT *, CAST(${spec === deadLetterSpec ? '"timestamp"' : 'event_ts'} AS DATE) AS dt FROM (${rows}))`;
}

/**
 * The lake's files and the tail, one after the other. A query that needs no column of a UNION
 * (`count(*)`, or a filter DuckDB pushes into the scan) still reads its first one: each side leads
 * with the log offset, small, instead of the raw event (10 ms against 80 ms for a count over
 * 1,000,000 rows), and the outer SELECT gives the table's own column order.
 */
const lakeAndTail = (spec: TableSpec, lake: string) =>
  `SELECT ${viewColumns(spec)} FROM (SELECT log_offset AS _first, ${viewColumns(spec)} FROM ${lake} UNION ALL SELECT log_offset AS _first, ${viewColumns(spec)} FROM (${tailSelect(spec)}))`;

/** Stages the log's tail into a temporary table per declared table it has rows of; returns those tables. */
async function stageTail(
  connection: DuckDBConnection,
  tail: LogTail,
  landed: Map<string, Positions>,
  specs: TableSpec[],
  listed: CommittedFile[],
): Promise<Set<string>> {
  const declared = new Map(specs.map((spec) => [spec.table, spec]));
  const stagings = new Map<string, Staging>();
  await connection.run(`ATTACH IF NOT EXISTS ':memory:' AS ${sqlIdentifier(TAIL_CATALOG)}`);
  try {
    for await (const rows of tail.read(landed, listed)) {
      for (const { table, row } of rows) {
        const spec = declared.get(table);
        if (!spec) continue; // a table not declared: no view to show it
        let staging = stagings.get(table);
        if (!staging)
          stagings.set(
            table,
            (staging = await openStaging(connection, spec.table, spec === deadLetterSpec, TAIL_CATALOG)),
          );
        staging.append(row);
      }
    }
  } finally {
    for (const staging of stagings.values()) staging.close();
  }
  return new Set(stagings.keys());
}

/**
 * (Re)declares each declared table as a view over the files committed now and, with `tail`, the
 * log's rows not in them yet (see LogTail: the positions are read before the files are listed).
 */
async function declareViews(
  connection: DuckDBConnection,
  storage: LocalLakeStorage,
  tail: LogTail | undefined,
): Promise<TableSpec[]> {
  try {
    const specs = await new LakeCatalogRegistry(storage).declared();
    const landed = await tail?.landedPositions();
    const listed = new Map<TableSpec, CommittedFile[]>();
    for (const spec of specs) listed.set(spec, await tableFiles(storage, spec));
    const withTail =
      tail && landed
        ? await stageTail(connection, tail, landed, specs, [...listed.values()].flat())
        : new Set<string>();
    for (const spec of specs) {
      const files = listed.get(spec)!.map((f) => sqlString(storage.localPath(f.path)));
      const lake =
        files.length === 0
          ? undefined
          : `read_parquet([${files.join(', ')}], hive_partitioning = true, hive_types = {'dt': DATE})`;
      let body = lake ? `SELECT * FROM ${lake}` : emptySelect(spec);
      if (withTail.has(spec.table)) body = lake ? lakeAndTail(spec, lake) : tailSelect(spec);
      await connection.run(`CREATE OR REPLACE VIEW ${sqlIdentifier(spec.table)} AS ${body}`);
    }
    return specs;
  } catch (error) {
    throw new GamepipeError('LAKE_ERROR', `could not open the lake's tables: ${firstLine(error)}`, { cause: error });
  }
}

/**
 * SQL over a local lake on an in-memory DuckDB: each declared table is a view over the files
 * committed when the views were declared, a fixed list, so one query reads one consistent set however
 * many files a writer adds meanwhile. `dt` comes from the directory name. With the log's tail, the
 * views also hold the rows the log has and the files do not yet (staged when the views are declared).
 */
export class DuckdbQueryEngine implements QueryEngine {
  readonly name = 'duckdb';
  /** The statement streaming now, if any: the next one waits for it. */
  private running: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly storage: LocalLakeStorage,
    private readonly queryTimeoutMs: number | undefined,
    private readonly tail: LogTail | undefined,
    /** The tables the views declare, for the hint when a statement names one that is not. */
    private declared: TableSpec[],
  ) {}

  /**
   * `queryTimeoutMs`: a statement running longer is interrupted and fails with EXCEEDED_TIME_LIMIT, as on Trino.
   * `tail`: the log's tail, read beside the lake's files (none: the lake's files alone).
   */
  static async open(
    storage: LakeStorage,
    options: { queryTimeoutMs?: number; tail?: LogTail } = {},
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
      const declared = await declareViews(connection, storage, options.tail);
      return new DuckdbQueryEngine(instance, connection, storage, options.queryTimeoutMs, options.tail, declared);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
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
        this.declared = await declareViews(this.connection, this.storage, this.tail);
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
  }
}
