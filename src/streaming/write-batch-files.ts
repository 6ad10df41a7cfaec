import type { Positions } from '../eventlog/event-log.js';
import type { TableSpec } from '../events/tables.js';
import type { FileMove, LakeCommitter } from '../lake/commit/lake-committer.js';
import { datePartition, dataFileName, deadLetterDir } from '../lake/lake-paths.js';
import { tableSpecOf } from '../lake/owners.js';
import type { BatchTable, DeadLetterRow, EventTimeStats, ForcedRow, LakeRow, ParquetWriter, RawRecord, TableRowsFilter } from '../lake/parquet/parquet-writer.js';
import type { ScratchDir } from '../lake/storage/local/scratch-dir.js';
import type { BatchInput } from './batch-input.js';
import { eventTimeStats } from './freshness.js';
import { routeRecord } from './route-record.js';

interface FileGroup {
  owner: string;
  /** Table directory relative to the lake root. */
  dir: string;
  dt: string;
  dead: boolean;
  rows: (LakeRow | DeadLetterRow)[];
}

export interface BatchFiles {
  moves: FileMove[];
  rowsWritten: number;
  deadLetters: number;
  /** The event times of the table rows written, to measure freshness once they are committed. */
  eventTimes: EventTimeStats | undefined;
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export interface BatchFileWriters {
  parquet: ParquetWriter;
  scratch: ScratchDir;
  committer: LakeCommitter;
}

const byPosition = (a: RawRecord, b: RawRecord) => a.partition - b.partition || a.offset - b.offset;

/** What the validator made of records, in log order: table rows, and files of dead letters per owner and date. */
interface Routed {
  rows: { record: RawRecord; owner: string; eventType: string; eventTs: number }[];
  dead: FileGroup[];
}

/** Routes records with the validator; records below an owner's committed position are already in the lake: skipped. */
function routeAll(records: RawRecord[], committed: Map<string, Positions>): Routed {
  const rows: Routed['rows'] = [];
  const dead = new Map<string, FileGroup>();
  for (const record of records) {
    const routed = routeRecord(record);
    if (routed.kind === 'skip') continue;
    const position = committed.get(routed.owner);
    if (position === undefined || record.offset < (position.get(record.partition) ?? 0)) continue;
    if (routed.kind === 'row') {
      rows.push({ record, owner: routed.owner, eventType: routed.eventType, eventTs: routed.eventTs });
      continue;
    }
    const dir = deadLetterDir(routed.owner);
    const dt = datePartition(record.timestamp);
    const key = `${dir}|${dt}|${record.partition}`;
    if (!dead.has(key)) dead.set(key, { owner: routed.owner, dir, dt, dead: true, rows: [] });
    const row: DeadLetterRow = { raw: routed.raw, timestamp: record.timestamp, partition: record.partition, offset: record.offset, reason: routed.reason, writer: routed.owner };
    dead.get(key)!.rows.push(row);
  }
  return { rows, dead: [...dead.values()] };
}

/** Table rows grouped by table directory, date and log partition (the JavaScript way, without a batch table). */
function rowGroups(rows: Routed['rows']): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  for (const { record, owner, eventTs } of rows) {
    const dir = tableSpecOf(owner)!.table;
    const dt = datePartition(eventTs);
    const key = `${dir}|${dt}|${record.partition}`;
    if (!groups.has(key)) groups.set(key, { owner, dir, dt, dead: false, rows: [] });
    groups.get(key)!.rows.push({ raw: record.value, timestamp: record.timestamp, partition: record.partition, offset: record.offset });
  }
  return [...groups.values()];
}

/** Writes a local file with `write`, stages it in the lake (under its log partition), and returns its move into `to`. */
async function stageFile({ scratch, committer }: BatchFileWriters, write: (local: string) => Promise<void>, partition: number, to: string): Promise<FileMove> {
  const local = scratch.newPath();
  try {
    await write(local);
  } catch (error) {
    scratch.remove(local);
    throw error;
  }
  return { from: await committer.stage(local, partition), to };
}

/** The tables of the owners this writer lands, each with the rows it still needs. */
const ownedTables = (committed: Map<string, Positions>): { spec: TableSpec; filter: TableRowsFilter }[] =>
  [...committed].flatMap(([owner, from]) => (tableSpecOf(owner) ? [{ spec: tableSpecOf(owner)!, filter: { from } }] : []));

/** Table rows through the batch table: DuckDB parses and checks them; the validator decides only what it leaves. */
async function writeThroughTable(table: BatchTable, batch: BatchInput, committed: Map<string, Positions>, writers: BatchFileWriters, maxFileRows: number) {
  await table.load(batch.textPath!);
  const routed = routeAll([...batch.held, ...(await table.takeUnclean())].sort(byPosition), committed);
  const forced: ForcedRow[] = routed.rows.map(({ record, eventType }) => ({ ...record, eventType }));
  await table.addForced(forced);
  const moves: FileMove[] = [];
  let rowsWritten = 0;
  const tables = ownedTables(committed);
  for (const { spec, filter } of tables) {
    for (const group of await table.groups(spec, filter, maxFileRows)) {
      const to = `${spec.table}/${group.dt}/${dataFileName(group.partition, group.firstOffset, group.lastOffset)}`;
      moves.push(await stageFile(writers, (local) => table.copy(spec, filter, group, local), group.partition, to));
      rowsWritten += group.rows;
    }
  }
  const eventTimes = await table.eventTimes(tables);
  await table.clear();
  return { moves, rowsWritten, eventTimes, dead: routed.dead };
}

/** Table rows the JavaScript way: every record parsed and validated here. */
async function writeThroughValidator(batch: BatchInput, committed: Map<string, Positions>, writers: BatchFileWriters, maxFileRows: number) {
  const routed = routeAll(batch.held, committed);
  const moves: FileMove[] = [];
  let rowsWritten = 0;
  for (const group of rowGroups(routed.rows)) {
    for (const rows of chunks(group.rows, maxFileRows)) {
      const to = `${group.dir}/${group.dt}/${dataFileName(rows[0]!.partition, rows[0]!.offset, rows.at(-1)!.offset)}`;
      moves.push(await stageFile(writers, (local) => writers.parquet.writeEvents(local, tableSpecOf(group.owner)!, rows), rows[0]!.partition, to));
      rowsWritten += rows.length;
    }
  }
  return { moves, rowsWritten, eventTimes: eventTimeStats(routed.rows.map((r) => r.eventTs)), dead: routed.dead };
}

/**
 * Step 1 of a batch (STAGED): routes the records to their owners' tables or dead letters, writes
 * one Parquet file per table, date partition and log partition (split past `maxFileRows`) and
 * stages it in the lake. Records below an owner's committed position are already there: skipped.
 */
export async function writeBatchFiles(
  batch: BatchInput,
  committed: Map<string, Positions>,
  writers: BatchFileWriters,
  maxFileRows: number,
): Promise<BatchFiles> {
  const table = writers.parquet.batchTable;
  const written =
    table && batch.textPath !== undefined
      ? await writeThroughTable(table, batch, committed, writers, maxFileRows)
      : await writeThroughValidator(batch, committed, writers, maxFileRows);
  let deadLetters = 0;
  for (const group of written.dead) {
    for (const rows of chunks(group.rows as DeadLetterRow[], maxFileRows)) {
      const to = `${group.dir}/${group.dt}/${dataFileName(rows[0]!.partition, rows[0]!.offset, rows.at(-1)!.offset)}`;
      written.moves.push(await stageFile(writers, (local) => writers.parquet.writeDeadLetters(local, rows), rows[0]!.partition, to));
      deadLetters += rows.length;
    }
  }
  return { moves: written.moves, rowsWritten: written.rowsWritten, deadLetters, eventTimes: written.eventTimes };
}
