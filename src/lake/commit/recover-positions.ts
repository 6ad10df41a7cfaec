import type { Positions } from '../../eventlog/event-log.js';
import { committedFiles } from '../lake-files.js';
import { ownerDirs } from '../owners.js';
import type { LakeStorage } from '../storage/lake-storage.js';

export const POSITIONS_DIR = '_positions';
export const positionsPath = (owner: string) => `${POSITIONS_DIR}/${owner}.json`;

export const encodePositions = (positions: Positions): Buffer => Buffer.from(JSON.stringify(Object.fromEntries(positions)));

async function readPositions(storage: LakeStorage, owner: string): Promise<Positions> {
  const bytes = await storage.read(positionsPath(owner));
  if (bytes === null) return new Map();
  const raw = JSON.parse(bytes.toString()) as Record<string, number>;
  return new Map(Object.entries(raw).map(([p, o]) => [Number(p), o]));
}

/**
 * Where an owner resumes, per partition: one past the highest offset in any of its committed files
 * (table rows and dead letters), or its recorded position if that is further (it also covers the
 * records that held nothing for this owner). The recorded position is written by the commit's last
 * step, so it never runs ahead of the lake; if it is lost, the file names still give a safe one.
 */
export async function recoverPositions(storage: LakeStorage, owner: string): Promise<Positions> {
  const positions = await readPositions(storage, owner);
  for (const dir of ownerDirs(owner)) {
    for (const file of await committedFiles(storage, dir)) {
      positions.set(file.partition, Math.max(positions.get(file.partition) ?? 0, file.lastOffset + 1));
    }
  }
  return positions;
}
