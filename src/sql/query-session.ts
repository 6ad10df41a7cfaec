import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { GamepipeError } from '../errors.js';
import { lakeRoot } from '../lake/lake-paths.js';
import { viewSql } from './lake-views.js';
import { registeredTables } from './table-catalog.js';

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** The first line of a DuckDB error, which says what is wrong with the SQL. */
const firstLine = (error: unknown) => String((error as Error).message ?? error).split('\n')[0]!;

/** A 64-bit integer (which DuckDB hands over as text) as a number when that loses nothing. */
const safeNumber = (value: unknown): unknown => (typeof value === 'string' && Number.isSafeInteger(Number(value)) ? Number(value) : value);

/**
 * SQL over the lake on an in-memory DuckDB: each registered table is a view over the files
 * committed when the session opened.
 */
export class QuerySession {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(dataDir: string): Promise<QuerySession> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const root = lakeRoot(dataDir);
    try {
      for (const spec of registeredTables(root)) await connection.run(viewSql(root, spec));
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw new GamepipeError('LAKE_ERROR', `could not open the lake's tables: ${firstLine(error)}`, { cause: error });
    }
    return new QuerySession(instance, connection);
  }

  async query(sql: string): Promise<QueryResult> {
    try {
      const result = await this.connection.runAndReadAll(sql);
      const { DuckDBTypeId } = await import('@duckdb/node-api');
      const wideIntegers = new Set<number>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
      const asNumber = result.columnTypes().map((type) => wideIntegers.has(type.typeId));
      const rows = (await result.getRowsJson()) as unknown[][];
      return { columns: result.columnNames(), rows: rows.map((row) => row.map((value, i) => (asNumber[i] ? safeNumber(value) : value))) };
    } catch (error) {
      const message = firstLine(error);
      const hint = /Table with name events_\w+ does not exist/.test(message) ? 'create it with: gamepipe tables create all' : undefined;
      throw new GamepipeError('SQL_ERROR', message, { hint, cause: error });
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
