import type { Positions } from '../eventlog/event-log.js';

/**
 * Which lake files hold each log position, per partition, up to the log's end when verify began:
 * a count per offset and the first file, in typed arrays (a byte and an int per record), and the
 * further files of the positions found more than once.
 */
export class LakePositionIndex {
  private readonly counts = new Map<number, Uint8Array>();
  private readonly firstFiles = new Map<number, Int32Array>();
  private readonly again = new Map<string, number[]>();

  constructor(end: Positions) {
    for (const [partition, offset] of end) {
      this.counts.set(partition, new Uint8Array(offset));
      this.firstFiles.set(partition, new Int32Array(offset).fill(-1));
    }
  }

  /** Records that `file` holds a row at this position; false when the position is beyond the log's end. */
  add(partition: number, offset: number, file: number): boolean {
    const counts = this.counts.get(partition);
    if (!counts || offset < 0 || offset >= counts.length) return false;
    if (counts[offset]! === 0) this.firstFiles.get(partition)![offset] = file;
    else {
      const key = `${partition}:${offset}`;
      this.again.set(key, [...(this.again.get(key) ?? []), file]);
    }
    if (counts[offset]! < 255) counts[offset]!++;
    return true;
  }

  count(partition: number, offset: number): number {
    return this.counts.get(partition)?.[offset] ?? 0;
  }

  /** How many rows the lake holds below `offset` of a partition. */
  rowsBelow(partition: number, offset: number): number {
    const counts = this.counts.get(partition);
    let rows = 0;
    for (let o = 0; counts && o < Math.min(offset, counts.length); o++) rows += counts[o]!;
    return rows;
  }

  /** Every file holding this position, the first one first. */
  files(partition: number, offset: number): number[] {
    const first = this.firstFiles.get(partition)?.[offset] ?? -1;
    return first < 0 ? [] : [first, ...(this.again.get(`${partition}:${offset}`) ?? [])];
  }
}
