import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `<topic dir>/durable-offset`: 8 bytes, the offset after the last fsynced record. The writer
 * updates it after each fsync; readers in other processes hand out nothing at or past it, so they
 * never see a record that a failed flush is about to cut off.
 */
const fileOf = (dir: string) => join(dir, 'durable-offset');

export class DurableOffsetWriter {
  private readonly fd: number;
  private readonly buffer = Buffer.alloc(8);

  constructor(dir: string) {
    this.fd = openSync(fileOf(dir), 'w');
  }

  publish(offset: number): void {
    this.buffer.writeBigInt64BE(BigInt(offset));
    writeSync(this.fd, this.buffer, 0, 8, 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The published durable end, or undefined for a log written before it was published. */
export function readDurableOffset(dir: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(fileOf(dir), 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(8);
    return readSync(fd, buffer, 0, 8, 0) === 8 ? Number(buffer.readBigInt64BE(0)) : undefined;
  } finally {
    closeSync(fd);
  }
}
