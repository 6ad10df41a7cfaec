import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableSpec } from '../../events/tables.js';
import { sqlIdentifier, sqlString } from '../../util/duckdb-sql.js';
import { addForcedSql, datePartitionSql, loadBatchSql, typedColumnsSql } from './event-verdict-sql.js';
import { ROW_GROUP_ROWS, type BatchFileGroup, type BatchTable, type EventTimeStats, type ForcedRow, type RawRecord, type TableRowsFilter } from './parquet-writer.js';

const COPY_OPTIONS = `(FORMAT PARQUET, COMPRESSION SNAPPY, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`;

/** Rows of `spec` that the filter lets through (an owner's committed position per log partition). */
function rowsOf(spec: TableSpec, filter: TableRowsFilter): string {
  const types = `event_type IN (${spec.eventTypes.map(sqlString).join(', ')})`;
  const landed = [...filter.from].map(([p, o]) => `(log_partition = ${p} AND log_offset < ${o})`);
  return landed.length === 0 ? types : `${types} AND NOT (${landed.join(' OR ')})`;
}

/**
 * A batch of raw events inside DuckDB (see event-verdict-sql.ts): loaded once from a
 * tab-separated file, parsed and checked there, then copied to one Parquet file per table, date
 * and log partition. Rows DuckDB does not call clean are handed back for the validator to decide.
 */
export class DuckdbBatchTable implements BatchTable {
  private forcedRows = 0;

  constructor(private readonly connection: DuckDBConnection) {}

  async load(tsvPath: string): Promise<void> {
    this.forcedRows = 0;
    await this.connection.run(loadBatchSql(tsvPath));
  }

  async takeUnclean(): Promise<RawRecord[]> {
    const reader = await this.connection.runAndReadAll('SELECT log_partition, log_offset, ts, raw FROM batch WHERE event_type IS NULL');
    const rows = reader.getRows().map(([partition, offset, timestamp, value]) => ({ partition: Number(partition), offset: Number(offset), timestamp: Number(timestamp), value: String(value) }));
    if (rows.length > 0) await this.connection.run('DELETE FROM batch WHERE event_type IS NULL');
    return rows;
  }

  async addForced(rows: ForcedRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.connection.run('CREATE OR REPLACE TEMP TABLE forced (log_partition INTEGER, log_offset BIGINT, ts BIGINT, raw VARCHAR, event_type VARCHAR)');
    const appender = await this.connection.createAppender('forced');
    for (const row of rows) {
      appender.appendInteger(row.partition);
      appender.appendBigInt(BigInt(row.offset));
      appender.appendBigInt(BigInt(row.timestamp));
      appender.appendVarchar(row.value);
      appender.appendVarchar(row.eventType);
      appender.endRow();
    }
    appender.closeSync();
    await this.connection.run(addForcedSql());
    this.forcedRows += rows.length;
  }

  async groups(spec: TableSpec, filter: TableRowsFilter, maxFileRows: number): Promise<BatchFileGroup[]> {
    const chunk = `(row_number() OVER (PARTITION BY dt, log_partition ORDER BY log_offset) - 1) // ${maxFileRows}`;
    const reader = await this.connection.runAndReadAll(
      `SELECT dt, log_partition, min(log_offset), max(log_offset), count(*) FROM ` +
        `(SELECT ${datePartitionSql} AS dt, log_partition, log_offset, ${chunk} AS chunk FROM batch WHERE ${rowsOf(spec, filter)}) ` +
        `GROUP BY dt, log_partition, chunk ORDER BY dt, log_partition, chunk`,
    );
    return reader.getRows().map(([dt, partition, first, last, rows]) => ({
      dt: String(dt),
      partition: Number(partition),
      firstOffset: Number(first),
      lastOffset: Number(last),
      rows: Number(rows),
    }));
  }

  async copy(spec: TableSpec, filter: TableRowsFilter, group: BatchFileGroup, path: string): Promise<void> {
    const where =
      `${rowsOf(spec, filter)} AND ${datePartitionSql} = ${sqlString(group.dt)} AND log_partition = ${group.partition} ` +
      `AND log_offset BETWEEN ${group.firstOffset} AND ${group.lastOffset}`;
    // Rows the validator added came last: only then do they need sorting back into log order.
    const order = this.forcedRows > 0 ? ` ORDER BY ${sqlIdentifier('log_offset')}` : '';
    await this.connection.run(`COPY (SELECT ${typedColumnsSql(spec)} FROM batch WHERE ${where}${order}) TO ${sqlString(path)} ${COPY_OPTIONS}`);
  }

  async eventTimes(specs: { spec: TableSpec; filter: TableRowsFilter }[]): Promise<EventTimeStats | undefined> {
    if (specs.length === 0) return undefined;
    const where = specs.map(({ spec, filter }) => `(${rowsOf(spec, filter)})`).join(' OR ');
    const reader = await this.connection.runAndReadAll(
      `SELECT min(j.event_ts), quantile_disc(j.event_ts, 0.05), quantile_disc(j.event_ts, 0.5) FROM batch WHERE ${where}`,
    );
    const [oldest, p05, p50] = reader.getRows()[0]!;
    return oldest === null ? undefined : { oldest: Number(oldest), p05: Number(p05), p50: Number(p50) };
  }

  async clear(): Promise<void> {
    await this.connection.run('DROP TABLE IF EXISTS batch');
    await this.connection.run('DROP TABLE IF EXISTS forced');
  }
}
