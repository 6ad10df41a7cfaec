import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../util/process-alive.js';
import type { LogRecord, Positions } from '../eventlog/event-log.js';

/** Longest value the text carries (DuckDB's reader refuses lines past 2 MB; a char is at most 3 bytes here). */
const MAX_TEXT_CHARS = 500_000;
const SEPARATORS = /[\t\n\r]/;

/** A value the tab-separated text can carry as is: DuckDB reads back exactly these characters. */
const textPrefix = (writer: string) => `batch-${writer}-`;

const carriable = (value: string) => value.length > 0 && value.length <= MAX_TEXT_CHARS && !SEPARATORS.test(value);

/**
 * The records of a batch as they are polled. With a text path (the batch table's way, see
 * BatchTable), each record goes straight into a local file of tab-separated lines (log partition,
 * offset, timestamp, raw value) and is not kept; the few values a line cannot carry are held for
 * the validator. Without one, every record is held. So a batch of any size costs the writer only
 * the file on disk.
 */
export class BatchInput {
  /** Per log partition, the offset of the batch's first record. */
  readonly startOffset: Positions = new Map();
  readonly held: LogRecord[] = [];
  count = 0;
  private fd: number | undefined;

  private constructor(readonly textPath?: string) {
    if (textPath !== undefined) this.fd = openSync(textPath, 'w');
  }

  /** A batch held in memory (no batch table to read a text file). */
  static inMemory(): BatchInput {
    return new BatchInput();
  }

  /**
   * A batch written as text into `dir`, under a name of its own: the scratch dir's clear (run by a
   * commit's recovery, between a batch's tries) leaves it alone.
   */
  static asText(dir: string, writer: string): BatchInput {
    return new BatchInput(join(dir, `${textPrefix(writer)}${process.pid}-${randomUUID()}.tsv`));
  }

  /** Removes the text files stopped processes of this writer left in `dir` (writers of one table may share a host). */
  static clearLeftovers(dir: string, writer: string): void {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(textPrefix(writer))) continue;
      const pid = Number(name.slice(textPrefix(writer).length).split('-')[0]);
      if (!isProcessAlive(pid)) rmSync(join(dir, name), { force: true });
    }
  }

  add(records: LogRecord[]): void {
    let text = '';
    for (const r of records) {
      if (!this.startOffset.has(r.partition)) this.startOffset.set(r.partition, r.offset);
      if (this.fd !== undefined && carriable(r.value)) text += `${r.partition}\t${r.offset}\t${r.timestamp}\t${r.value}\n`;
      else this.held.push(r);
    }
    this.count += records.length;
    if (text.length > 0) writeSync(this.fd!, text);
  }

  /** Closes the text file; the batch takes no more records. */
  seal(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Seals and deletes the text file: the batch is done with. */
  discard(): void {
    this.seal();
    if (this.textPath !== undefined) rmSync(this.textPath, { force: true });
  }
}
