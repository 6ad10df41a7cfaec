import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Segment files are named by the offset of their first record, zero-padded so names sort. */
const segmentName = (baseOffset: number): string => `${String(baseOffset).padStart(20, '0')}.log`;

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

export const segmentPath = (dir: string, baseOffset: number): string => join(dir, segmentName(baseOffset));

/** A segment's sparse index (see segment-index.ts) lies beside it: `<base>.index`. */
export const segmentIndexPath = (dir: string, baseOffset: number): string => join(dir, segmentName(baseOffset).replace(/\.log$/, '.index'));

/** The embedded log keeps one directory per topic under the data dir. */
export const topicDir = (dataDir: string, topic: string): string => join(dataDir, 'log', topic);
