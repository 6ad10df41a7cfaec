import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LogRecord, Positions } from '../eventlog/event-log.js';
import { datePartition, deadLetterDir } from '../lake/lake-paths.js';
import { tableSpecOf } from '../lake/owners.js';
import type { DeadLetterRow, LakeRow } from '../lake/parquet/parquet-writer.js';
import { carriable, parseRowText, rowLine } from '../lake/parquet/row-text.js';
import { removeLeftovers } from '../lake/storage/local/scratch-dir.js';
import type { RoutedBatch, RoutedFile } from '../lake/batch/routed-batch.js';
import { LineFile } from './line-file.js';
import { routeRecord } from '../lake/route-record.js';

export interface BatchInputOptions {
  /** Per owner, the committed position: records before it are already in the lake. */
  committed: Map<string, Positions>;
  maxFileRows: number;
  /** Where table rows go as text, when the Parquet encoder reads text (else they are held in memory). */
  textDir?: string;
  writer: string;
}

const textPrefix = (writer: string) => `batch-${writer}-`;

/**
 * A batch being read: each record is routed as it arrives (validated, to its table's file or its
 * owner's dead letters; records already in the lake skipped), and table rows go straight to local
 * text files that the encoder reads, so memory holds only the dead letters and the odd value a
 * line cannot carry, whatever the batch's size. Files are split past `maxFileRows`.
 */
export class BatchInput implements RoutedBatch {
  /** Per log partition, the offset of the batch's first record. */
  readonly startOffset: Positions = new Map();
  readonly files: RoutedFile[] = [];
  /** event_ts of every table row, to measure freshness once they are committed. */
  readonly eventTimes: number[] = [];
  count = 0;
  private readonly open = new Map<string, RoutedFile>();
  /** The file the last row went to: rows in log order mostly go to the same one, found without building its key. */
  private last: RoutedFile | undefined;
  private readonly lines = new Map<RoutedFile, LineFile>();

  constructor(private readonly options: BatchInputOptions) {}

  /** Removes the text files stopped processes of this writer left in `dir` (writers of one table may share a host). */
  static clearLeftovers(dir: string, writer: string): void {
    removeLeftovers(dir, textPrefix(writer));
  }

  add(records: LogRecord[]): void {
    for (const record of records) {
      if (!this.startOffset.has(record.partition)) this.startOffset.set(record.partition, record.offset);
      this.count++;
      const routed = routeRecord(record);
      if (routed.kind === 'skip') continue;
      const position = this.options.committed.get(routed.owner);
      if (position === undefined || record.offset < (position.get(record.partition) ?? 0)) continue;
      const row: LakeRow = {
        raw: record.value,
        timestamp: record.timestamp,
        partition: record.partition,
        offset: record.offset,
      };
      if (routed.kind === 'row') {
        this.addRow(
          this.fileFor(routed.owner, tableSpecOf(routed.owner)!.table, datePartition(routed.eventTs), row, true),
          row,
        );
        this.eventTimes.push(routed.eventTs);
      } else {
        const dead: DeadLetterRow = { ...row, raw: routed.raw, reason: routed.reason, writer: routed.owner };
        this.addRow(
          this.fileFor(routed.owner, deadLetterDir(routed.owner), datePartition(record.timestamp), row, false),
          dead,
        );
      }
    }
  }

  /** Writes and closes the text files; the batch takes no more records. */
  seal(): void {
    const files = [...this.lines.values()];
    this.lines.clear();
    let failure: unknown;
    for (const file of files) {
      try {
        file.close();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** Closes and deletes the text files: the batch is done with. */
  discard(): void {
    try {
      this.seal();
    } catch {
      // Sealed before, or failing already: a write this batch's files could not take no longer matters.
    } finally {
      for (const file of this.files) if (file.textPath) rmSync(file.textPath, { force: true });
    }
  }

  private fileFor(owner: string, dir: string, dt: string, row: LakeRow, asText: boolean): RoutedFile {
    const last = this.last;
    if (
      last &&
      last.dir === dir &&
      last.dt === dt &&
      last.partition === row.partition &&
      last.rows < this.options.maxFileRows
    )
      return last;
    const key = `${dir}|${dt}|${row.partition}`;
    const open = this.open.get(key);
    if (open && open.rows < this.options.maxFileRows) {
      this.last = open;
      return open;
    }
    const file: RoutedFile = {
      owner,
      dir,
      dt,
      partition: row.partition,
      firstOffset: row.offset,
      lastOffset: row.offset,
      rows: 0,
      held: [],
    };
    const { textDir, writer } = this.options;
    if (asText && textDir !== undefined) {
      file.textPath = join(textDir, `${textPrefix(writer)}${process.pid}-${randomUUID()}.tsv`);
      this.lines.set(file, new LineFile(file.textPath));
    }
    this.open.set(key, file);
    this.files.push(file);
    this.last = file;
    return file;
  }

  private addRow(file: RoutedFile, row: LakeRow): void {
    if (file.textPath !== undefined && !carriable(row.raw)) this.toMemory(file);
    if (file.textPath !== undefined) this.lines.get(file)!.append(rowLine(row));
    else file.held.push(row);
    file.rows++;
    file.lastOffset = row.offset;
  }

  /** A value a line cannot carry: the file's rows so far come back into memory, and the rest stay there. */
  private toMemory(file: RoutedFile): void {
    this.lines.get(file)!.close();
    this.lines.delete(file);
    file.held = parseRowText(readFileSync(file.textPath!, 'utf8'));
    rmSync(file.textPath!, { force: true });
    delete file.textPath;
  }
}
