import type { Positions } from '../../eventlog/event-log.js';
import { committedFiles } from '../lake-files.js';
import { ownerDirs } from '../owners.js';
import type { LakeStorage } from '../storage/lake-storage.js';

export const POSITIONS_DIR = '_positions';
/** One file per owner and log partition (`_positions/buy+3.json`), so writers sharing a table by partition never write the same file. */
export const positionName = (owner: string, partition: number) => `${owner}+${partition}.json`;
export const positionPath = (owner: string, partition: number) => `${POSITIONS_DIR}/${positionName(owner, partition)}`;
export const encodePosition = (offset: number): Buffer => Buffer.from(JSON.stringify({ offset }));

const POSITION_NAME = /^(.+)\+(\d+)\.json$/;

/**
 * An owner's positions as its writers last recorded them (the commit's last step), per partition
 * (only the partitions named, when named), with when each was recorded.
 */
export async function recordedPositions(
  storage: LakeStorage,
  owner: string,
  partitions?: ReadonlySet<number>,
): Promise<{ positions: Positions; at: Map<number, number> }> {
  const positions: Positions = new Map();
  const at = new Map<number, number>();
  for (const entry of await storage.list(POSITIONS_DIR)) {
    const match = POSITION_NAME.exec(entry.name);
    if (!match || match[1] !== owner || (partitions && !partitions.has(Number(match[2])))) continue;
    const bytes = await storage.read(entry.path);
    if (bytes === null) continue;
    positions.set(Number(match[2]), (JSON.parse(bytes.toString()) as { offset: number }).offset);
    at.set(Number(match[2]), entry.modifiedMs);
  }
  return { positions, at };
}

/**
 * Where an owner resumes, per partition (of those named, when named): one past the highest offset
 * in any of its committed files (table rows and dead letters), or its recorded position if that is
 * further (it also covers the records that held nothing for this owner). The recorded position is
 * written by the commit's last step, so it never runs ahead of the lake; if it is lost, the file
 * names still give a safe one.
 */
export async function recoverPositions(storage: LakeStorage, owner: string, partitions?: ReadonlySet<number>): Promise<Positions> {
  const { positions } = await recordedPositions(storage, owner, partitions);
  for (const dir of ownerDirs(owner)) {
    for (const file of await committedFiles(storage, dir)) {
      if (partitions && !partitions.has(file.partition)) continue;
      positions.set(file.partition, Math.max(positions.get(file.partition) ?? 0, file.lastOffset + 1));
    }
  }
  return positions;
}
