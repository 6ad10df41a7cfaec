import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Positions } from '../eventlog/event-log.js';
import { committedFiles } from '../lake/lake-files.js';
import { ownerDirs } from './writers.js';

const checkpointPath = (root: string, owner: string) => join(root, '_positions', `${owner}.json`);

function readCheckpoint(root: string, owner: string): Positions {
  try {
    const raw = JSON.parse(readFileSync(checkpointPath(root, owner), 'utf8')) as Record<string, number>;
    return new Map(Object.entries(raw).map(([p, o]) => [Number(p), o]));
  } catch {
    return new Map();
  }
}

/**
 * Records how far an owner has read once a batch is committed, so that a restart need not re-read
 * records that belonged to no file of its own. Written after the commit, so it never runs ahead of
 * the lake; if it is lost, the file names still give a safe (lower) position.
 */
export function writeCheckpoint(root: string, owner: string, positions: Positions): void {
  const path = checkpointPath(root, owner);
  mkdirSync(join(root, '_positions'), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(Object.fromEntries(positions)));
  renameSync(`${path}.tmp`, path);
}

/**
 * Where an owner resumes, per partition: one past the highest offset in any of its committed files
 * (table rows and dead letters), or its checkpoint if that is further.
 */
export function recoverPositions(root: string, owner: string): Positions {
  const positions = readCheckpoint(root, owner);
  for (const dir of ownerDirs(owner)) {
    for (const file of committedFiles(root, dir)) {
      positions.set(file.partition, Math.max(positions.get(file.partition) ?? 0, file.lastOffset + 1));
    }
  }
  return positions;
}
