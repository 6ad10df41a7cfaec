import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { parquetDecompressors } from './parquet-codecs.js';
import parquet from 'parquetjs-lite';
import { parquetjsType, type FieldSpec } from '../../events/field-types.js';
import { deadLetterSpec, type TableSpec } from '../../events/tables.js';
import { ROW_GROUP_ROWS, type DeadLetterRow, type LakeRow, type ParquetWriter } from './parquet-writer.js';

function schemaFor(columns: FieldSpec[]): parquet.ParquetSchema {
  return new parquet.ParquetSchema(
    Object.fromEntries(
      columns.map((c) => [c.name, { type: parquetjsType[c.type], optional: !c.required, compression: 'SNAPPY' }]),
    ),
  );
}

async function writeRows(path: string, columns: FieldSpec[], rows: Record<string, unknown>[]): Promise<void> {
  const writer = await parquet.ParquetWriter.openFile(schemaFor(columns), path, { rowGroupSize: ROW_GROUP_ROWS });
  for (const row of rows) {
    const present = Object.fromEntries(
      columns.filter((c) => row[c.name] !== null && row[c.name] !== undefined).map((c) => [c.name, row[c.name]]),
    );
    await writer.appendRow(present);
  }
  await writer.close();
}

const logFields = (row: LakeRow) => ({
  raw_event: row.raw,
  timestamp: row.timestamp,
  log_partition: row.partition,
  log_offset: row.offset,
});

/**
 * The pure-JS fallback, used when DuckDB's native binding cannot load. Same columns and types
 * (both derive from the event schemas); slower, and larger files.
 */
export class ParquetjsParquetWriter implements ParquetWriter {
  async writeEvents(path: string, spec: TableSpec, rows: LakeRow[]): Promise<void> {
    await writeRows(
      path,
      spec.columns,
      rows.map((row) => ({ ...(JSON.parse(row.raw) as Record<string, unknown>), ...logFields(row) })),
    );
  }

  async writeDeadLetters(path: string, rows: DeadLetterRow[]): Promise<void> {
    await writeRows(
      path,
      deadLetterSpec.columns,
      rows.map((row) => ({ ...logFields(row), reason: row.reason, writer: row.writer })),
    );
  }

  async merge(path: string, spec: TableSpec, sources: string[]): Promise<void> {
    const rows: Record<string, unknown>[] = [];
    for (const source of sources) {
      // parquetjs-lite cannot read its own timestamp statistics back; hyparquet (pure JS too) can.
      for (const row of await parquetReadObjects({
        file: await asyncBufferFromFile(source),
        compressors: parquetDecompressors,
      })) {
        rows.push(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
      }
    }
    rows.sort(
      (a, b) =>
        (a.log_partition as number) - (b.log_partition as number) ||
        (a.log_offset as number) - (b.log_offset as number),
    );
    await writeRows(path, spec.columns, rows);
  }

  async close(): Promise<void> {}
}
