import { mkdirSync, openSync, readSync, closeSync, ftruncateSync, fstatSync } from 'node:fs';
import { GamepipeError } from '../../errors.js';
import { GroupCommitFile } from '../../util/group-commit-file.js';
import type { AppendRecord, EventLog } from '../event-log.js';
import { DurableOffsetWriter } from './durable-offset.js';
import { decodeFrame, encodeFrame } from './record-frame.js';
import { INDEX_EVERY_BYTES, SegmentIndexWriter } from './segment-index.js';
import { listSegmentBases, segmentPath, topicDir } from './segments.js';

export interface EmbeddedLogOptions {
  dataDir: string;
  topic: string;
  /** Roll to a new segment file once the current one passes this size. */
  segmentBytes?: number;
  /** Bytes of records between two entries of a segment's index (see segment-index.ts). */
  indexEveryBytes?: number;
}

/** A failed write as the port's error: a full disk says so, in the one line the server answers with. */
function writeError(cause: unknown): GamepipeError {
  const code = (cause as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new GamepipeError('LOG_UNAVAILABLE', "the embedded event log's disk is full", {
      hint: "free some space on the data dir's disk",
      cause,
    });
  return new GamepipeError('LOG_UNAVAILABLE', 'the embedded event log cannot write', { cause });
}

/** Reads a segment, returns the byte length of its valid prefix and the offset after its last record. */
function scanSegment(path: string, baseOffset: number): { validBytes: number; nextOffset: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) read += readSync(fd, buffer, read, size - read, read);
    let at = 0;
    let nextOffset = baseOffset;
    for (;;) {
      const result = decodeFrame(buffer, at);
      if (!('record' in result)) break;
      nextOffset = result.record.offset + 1;
      at += result.size;
    }
    return { validBytes: at, nextOffset };
  } finally {
    closeSync(fd);
  }
}

/**
 * The embedded event log: one partition of append-only segment files under
 * `<data-dir>/log/<topic>/`. Appends are group-committed (one fdatasync per flush) and durable when
 * they resolve; the durable end is published for readers (see durable-offset.ts). On open, a torn last record (a crash mid-write) is cut off. Other processes may read
 * the files while this one writes (see SegmentReader). One writer per topic directory: the caller
 * holds the data dir lock.
 */
export class EmbeddedEventLog implements EventLog {
  private file!: GroupCommitFile<AppendRecord>;
  private index!: SegmentIndexWriter;
  private durableOffset!: DurableOffsetWriter;
  private nextOffset = 0;
  private batchStartOffset = 0;
  private batchStartByte = 0;
  private rolling: Promise<void> | null = null;
  private fault: Error | null = null;
  private readonly segmentBytes: number;
  private readonly indexEveryBytes: number;
  private readonly dir: string;

  private constructor(options: EmbeddedLogOptions) {
    this.dir = topicDir(options.dataDir, options.topic);
    this.segmentBytes = options.segmentBytes ?? 128 * 1024 * 1024;
    this.indexEveryBytes = options.indexEveryBytes ?? INDEX_EVERY_BYTES;
  }

  static async open(options: EmbeddedLogOptions): Promise<EmbeddedEventLog> {
    const log = new EmbeddedEventLog(options);
    mkdirSync(log.dir, { recursive: true });
    const bases = listSegmentBases(log.dir);
    const base = bases.at(-1) ?? 0;
    const path = segmentPath(log.dir, base);
    let validBytes = 0;
    if (bases.length > 0) {
      const scanned = scanSegment(path, base);
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, scanned.validBytes);
      closeSync(fd);
      log.nextOffset = scanned.nextOffset;
      validBytes = scanned.validBytes;
    }
    log.durableOffset = new DurableOffsetWriter(log.dir);
    log.durableOffset.publish(log.nextOffset);
    await log.openSegment(base, validBytes);
    return log;
  }

  /** The offset the next appended record will get. */
  get endOffset(): number {
    return this.nextOffset;
  }

  /** Test hook: while set, every append fails as if the disk had. */
  injectFault(fault: Error | null): void {
    this.fault = fault;
  }

  async append(records: AppendRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.fault)
      throw new GamepipeError('LOG_UNAVAILABLE', 'the embedded event log cannot write', { cause: this.fault });
    try {
      if (this.file.size >= this.segmentBytes) this.rolling ??= this.roll();
      while (this.rolling) await this.rolling;
      await this.file.append(records);
    } catch (error) {
      throw writeError(error);
    }
  }

  async ping(): Promise<void> {
    if (this.fault)
      throw new GamepipeError('LOG_UNAVAILABLE', 'the embedded event log cannot write', { cause: this.fault });
  }

  async close(): Promise<void> {
    while (this.rolling) await this.rolling.catch(() => undefined);
    await this.file.close();
    this.durableOffset.close();
  }

  private async openSegment(base: number, validBytes: number): Promise<void> {
    this.index = new SegmentIndexWriter(this.dir, base, validBytes, this.indexEveryBytes);
    this.file = await GroupCommitFile.open<AppendRecord>(segmentPath(this.dir, base), {
      encode: (items) => {
        this.batchStartOffset = this.nextOffset;
        this.batchStartByte = this.file.size; // one flush at a time: what is durable ends where this one starts
        const now = Date.now();
        return items.map((r) => encodeFrame(this.nextOffset++, now, r.key, r.value));
      },
      rolledBack: () => {
        this.nextOffset = this.batchStartOffset;
      },
      durable: () => {
        this.durableOffset.publish(this.nextOffset);
        this.index.noteDurableFlush(this.batchStartOffset, this.batchStartByte);
      },
    });
  }

  /** Closes the full segment and opens the next; when the open fails (a full disk), the next append tries again. */
  private async roll(): Promise<void> {
    try {
      await this.file.close();
      await this.openSegment(this.nextOffset, 0);
    } finally {
      this.rolling = null;
    }
  }
}
