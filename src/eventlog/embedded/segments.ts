import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** A segment's files are named by the offset of its first record, zero-padded so names sort: `<base>.log`, `<base>.index`. */
const segmentFile = (dir: string, baseOffset: number, extension: 'log' | 'index'): string =>
  join(dir, `${String(baseOffset).padStart(20, '0')}.${extension}`);

export function listSegmentBases(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((n) => /^\d{20}\.log$/.test(n))
    .map((n) => Number(n.slice(0, 20)))
    .sort((a, b) => a - b);
}

export const segmentPath = (dir: string, baseOffset: number): string => segmentFile(dir, baseOffset, 'log');

/** A segment's sparse index (see segment-index.ts) lies beside it. */
export const segmentIndexPath = (dir: string, baseOffset: number): string => segmentFile(dir, baseOffset, 'index');

/** The embedded log keeps one directory per topic under the data dir. */
export const topicDir = (dataDir: string, topic: string): string => join(dataDir, 'log', topic);
