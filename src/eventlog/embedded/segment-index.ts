import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { segmentIndexPath } from './segments.js';

/**
 * A sparse index beside each segment (`<base>.index`): about every megabyte of records, the offset
 * and byte position of the first frame of a durable flush, 16 bytes each. A reader seeking into a
 * segment starts at the last entry at or below its target instead of at the segment's start (on a
 * 128 MB segment: about 1 ms instead of 50). It is only a hint: written after the flush is durable
 * but not synced itself, checked against the frame it points at before a reader trusts it, and
 * trimmed to what the segment holds when the log opens.
 */

const ENTRY_BYTES = 16;
/** Records between two entries, in bytes of segment. */
export const INDEX_EVERY_BYTES = 1024 * 1024;

export interface IndexEntry {
  offset: number;
  byte: number;
}

/** The whole entries of an index file (a crash may have cut the last one short), and the file's size. */
function readEntries(path: string): { entries: IndexEntry[]; size: number } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], size: 0 };
    throw error;
  }
  const entries: IndexEntry[] = [];
  for (let at = 0; at + ENTRY_BYTES <= bytes.length; at += ENTRY_BYTES) {
    entries.push({ offset: Number(bytes.readBigUInt64BE(at)), byte: Number(bytes.readBigUInt64BE(at + 8)) });
  }
  return { entries, size: bytes.length };
}

function encodeEntries(entries: IndexEntry[]): Buffer {
  const bytes = Buffer.alloc(entries.length * ENTRY_BYTES);
  entries.forEach(({ offset, byte }, i) => {
    bytes.writeBigUInt64BE(BigInt(offset), i * ENTRY_BYTES);
    bytes.writeBigUInt64BE(BigInt(byte), i * ENTRY_BYTES + 8);
  });
  return bytes;
}

/** The entry to start a seek to `target` from, if the segment has one (to be checked against its frame). */
export function indexEntryBelow(dir: string, base: number, target: number): IndexEntry | undefined {
  return readEntries(segmentIndexPath(dir, base))
    .entries.filter((e) => e.offset <= target)
    .at(-1);
}

/** The log's side: notes the durable flushes of one segment. */
export class SegmentIndexWriter {
  private nextByte: number;
  private readonly path: string;

  /** `validBytes`: what the segment holds now; entries past it (a segment cut back on open) are dropped. */
  constructor(
    dir: string,
    base: number,
    validBytes: number,
    private readonly everyBytes = INDEX_EVERY_BYTES,
  ) {
    this.path = segmentIndexPath(dir, base);
    const { entries, size } = readEntries(this.path);
    const kept = entries.filter((e) => e.byte < validBytes);
    if (kept.length * ENTRY_BYTES !== size) writeFileSync(this.path, encodeEntries(kept)); // appends stay aligned
    this.nextByte = (kept.at(-1)?.byte ?? 0) + everyBytes;
  }

  /** A flush starting at `byte` with record `offset` is durable. */
  noteDurableFlush(offset: number, byte: number): void {
    if (byte < this.nextByte) return;
    try {
      appendFileSync(this.path, encodeEntries([{ offset, byte }]));
      this.nextByte = byte + this.everyBytes;
    } catch {
      // A hint only: without this entry a seek steps over more frames. The flush itself is durable.
    }
  }
}
