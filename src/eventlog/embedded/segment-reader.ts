import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventLogReader, LogRecord, Positions, ReaderOptions } from '../event-log.js';
import { readDurableOffset } from './durable-offset.js';
import { ReadWindow } from './read-window.js';
import { decodeFrame, FRAME_START_BYTES, frameStartOffset, skipFrame } from './record-frame.js';
import { indexEntryBelow } from './segment-index.js';
import { listSegmentBases, segmentPath, topicDir } from './segments.js';

/** Why decoding the window stopped (see `decodePending`). */
type WindowStop = 'full' | 'end' | 'untrusted' | 'more';

const READ_CHUNK = 4 * 1024 * 1024;
const IDLE_POLL_MS = 20;
/** Records decoded at a time while scanning for the end of a log without a durable offset. */
const SKIP_BATCH = 100_000;

/**
 * Reads the embedded log from any process while the server appends. It hands out only whole
 * records whose CRC checks and that are durable (below the published durable offset); a record
 * still being written or synced is picked up at a later poll. Committed
 * group positions live in `<data-dir>/log/<topic>/groups/<group>.json`, replaced atomically.
 */
export class SegmentReader implements EventLogReader {
  private handle: FileHandle | null = null;
  private segmentBase = 0;
  private bytePosition = 0;
  private nextOffset = 0;
  /** A writer of a group that holds the one partition elsewhere reads nothing. */
  private unassigned = false;
  private readonly window = new ReadWindow(READ_CHUNK);
  /** The durable end when the window's oldest bytes were read: frames past it there may have been rolled back since. */
  private windowTrust = 0;
  private opened = false;
  /** While seeking: frames below this offset are stepped over by their headers, not decoded. */
  private skipBelow = 0;

  private constructor(
    private readonly dir: string,
    private readonly options: ReaderOptions,
  ) {}

  static forTopic(dataDir: string, topic: string, options: ReaderOptions): SegmentReader {
    return new SegmentReader(topicDir(dataDir, topic), options);
  }

  async endOffsets(): Promise<Positions> {
    const durable = readDurableOffset(this.dir);
    if (durable !== undefined) return new Map([[0, durable]]);
    const last = listSegmentBases(this.dir).at(-1);
    if (last === undefined) return new Map([[0, 0]]);
    const scanner = new SegmentReader(this.dir, this.options);
    await scanner.openSegment(last);
    while ((await scanner.readAvailable(SKIP_BATCH)).length > 0);
    await scanner.close();
    return new Map([[0, scanner.nextOffset]]);
  }

  async seek(positions: Positions, partitions?: readonly number[]): Promise<void> {
    this.unassigned = partitions !== undefined && !partitions.includes(0);
    const target = positions.get(0) ?? 0;
    const bases = listSegmentBases(this.dir);
    const base = bases.filter((b) => b <= target).at(-1) ?? bases[0] ?? 0;
    await this.openSegment(base);
    await this.startFromIndex(base, target);
    this.skipBelow = target;
    try {
      // Each call steps as far as the durable end allows; it stops early only on a frame read before it was durable.
      for (let before = -1; this.nextOffset < target && this.nextOffset > before; ) {
        before = this.nextOffset;
        await this.readAvailable(1, target);
      }
    } finally {
      this.skipBelow = 0;
    }
  }

  async poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]> {
    if (!this.opened) await this.seek(new Map());
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const records = this.unassigned ? [] : await this.readAvailable(maxRecords);
      const left = deadline - Date.now();
      if (records.length > 0 || left <= 0) return records;
      await new Promise((r) => setTimeout(r, Math.min(IDLE_POLL_MS, left)));
    }
  }

  async commit(positions: Positions): Promise<void> {
    writeFileAtomic(
      join(this.dir, 'groups', `${this.options.group}.json`),
      JSON.stringify(Object.fromEntries(positions)),
    );
  }

  /** The positions last committed by this reader's group, if any. */
  committed(): Positions {
    try {
      const raw = JSON.parse(readFileSync(join(this.dir, 'groups', `${this.options.group}.json`), 'utf8')) as Record<
        string,
        number
      >;
      return new Map(Object.entries(raw).map(([p, o]) => [Number(p), o]));
    } catch {
      return new Map();
    }
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }

  /** Moves to the segment's index entry below `target` when the frame it names is where it says. */
  private async startFromIndex(base: number, target: number): Promise<void> {
    const entry = indexEntryBelow(this.dir, base, target);
    if (!entry || this.handle === null || entry.offset >= (readDurableOffset(this.dir) ?? Number.POSITIVE_INFINITY))
      return;
    const start = Buffer.alloc(FRAME_START_BYTES);
    const { bytesRead } = await this.handle.read(start, 0, FRAME_START_BYTES, entry.byte);
    if (bytesRead < FRAME_START_BYTES || frameStartOffset(start, 0) !== entry.offset) return;
    this.bytePosition = entry.byte;
    this.nextOffset = entry.offset;
  }

  private async openSegment(base: number): Promise<void> {
    await this.close();
    this.opened = true;
    this.segmentBase = base;
    this.bytePosition = 0;
    this.nextOffset = base;
    this.window.clear();
    try {
      this.handle = await open(segmentPath(this.dir, base), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /**
   * Whole durable records available now, below `seekTarget` (used by seek to read past older records).
   * Bytes past the durable end may still be rolled back and written anew (a failed append truncates
   * the segment to its durable size, and the next append reuses those offsets), so the window keeps
   * no byte across polls beyond what it decoded, except when it stopped on a full poll; and a frame
   * that was not yet durable when its bytes were read is read again, never trusted.
   */
  private async readAvailable(maxRecords: number, seekTarget = Number.POSITIVE_INFINITY): Promise<LogRecord[]> {
    const records: LogRecord[] = [];
    const stopAt = Math.min(seekTarget, readDurableOffset(this.dir) ?? Number.POSITIVE_INFINITY);
    if (this.handle === null) {
      if (!listSegmentBases(this.dir).includes(this.segmentBase)) return records;
      await this.openSegment(this.segmentBase);
    }
    for (;;) {
      const stop = this.decodePending(records, maxRecords, stopAt);
      if (stop === 'full') return records;
      if (stop !== 'more') {
        this.dropWindow();
        if (stop === 'end') return records;
        continue;
      }
      if (this.window.pending.length === 0) this.windowTrust = stopAt;
      const room = this.window.reserve();
      const { bytesRead } = await this.handle!.read(room.buffer, room.offset, room.length, this.bytePosition);
      if (bytesRead > 0) {
        this.bytePosition += bytesRead;
        this.window.filled(bytesRead);
        continue;
      }
      const rolledOver =
        this.window.pending.length === 0 &&
        this.nextOffset !== this.segmentBase &&
        listSegmentBases(this.dir).includes(this.nextOffset);
      this.dropWindow();
      if (!rolledOver) return records;
      await this.openSegment(this.nextOffset);
    }
  }

  /** Forgets the undecoded bytes: the next read starts at the first of them. */
  private dropWindow(): void {
    this.bytePosition -= this.window.pending.length;
    this.window.clear();
  }

  /**
   * Decodes whole frames from the window, up to `maxRecords` (`full`), the durable end or a frame
   * failing its CRC (`end`), a frame durable now but not when its bytes were read (`untrusted`), or
   * a frame not all read yet (`more`).
   */
  private decodePending(into: LogRecord[], maxRecords: number, stopAt: number): WindowStop {
    const pending = this.window.pending;
    let at = 0;
    const stopAfter = (stop: WindowStop): WindowStop => {
      this.window.consume(at);
      return stop;
    };
    while (this.nextOffset < this.skipBelow) {
      const skipped = skipFrame(pending, at);
      if (!('offset' in skipped)) return stopAfter('incomplete' in skipped ? 'more' : 'end');
      if (skipped.offset >= stopAt) return stopAfter('end');
      if (skipped.offset >= this.windowTrust) return stopAfter('untrusted');
      at += skipped.size;
      this.nextOffset = skipped.offset + 1;
    }
    while (into.length < maxRecords) {
      const result = decodeFrame(pending, at);
      // Nothing past a frame failing its CRC until it is written anew.
      if (!('record' in result)) return stopAfter('incomplete' in result ? 'more' : 'end');
      if (result.record.offset >= stopAt) return stopAfter('end');
      if (result.record.offset >= this.windowTrust) return stopAfter('untrusted');
      at += result.size;
      this.nextOffset = result.record.offset + 1;
      into.push(result.record);
    }
    return stopAfter('full');
  }
}
