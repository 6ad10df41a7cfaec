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

export interface RecordedPositions {
  positions: Positions;
  /** When each partition's position was recorded, UTC milliseconds. */
  at: Map<number, number>;
}

/**
 * The positions writers last recorded (the commit's last step), per owner and partition, with when
 * each was recorded, for the owners given (only the partitions named, when named), from one listing
 * of `_positions/`. An owner without any has an empty entry.
 */
export async function recordedPositionsOf(
  storage: LakeStorage,
  owners: readonly string[],
  partitions?: ReadonlySet<number>,
): Promise<Map<string, RecordedPositions>> {
  const byOwner = new Map(
    owners.map((owner): [string, RecordedPositions] => [owner, { positions: new Map(), at: new Map() }]),
  );
  for (const entry of await storage.list(POSITIONS_DIR)) {
    const match = POSITION_NAME.exec(entry.name);
    const recorded = match ? byOwner.get(match[1]!) : undefined;
    const partition = Number(match?.[2]);
    if (!recorded || (partitions && !partitions.has(partition))) continue;
    const bytes = await storage.read(entry.path);
    if (bytes === null) continue;
    recorded.positions.set(partition, (JSON.parse(bytes.toString()) as { offset: number }).offset);
    recorded.at.set(partition, entry.modifiedMs);
  }
  return byOwner;
}

/** One owner's recorded positions (see `recordedPositionsOf`). */
export async function recordedPositions(
  storage: LakeStorage,
  owner: string,
  partitions?: ReadonlySet<number>,
): Promise<RecordedPositions> {
  return (await recordedPositionsOf(storage, [owner], partitions)).get(owner)!;
}

/**
 * Where an owner resumes, per partition (of those named, when named): one past the highest offset
 * in any of its committed files (table rows and dead letters), or its recorded position if that is
 * further (it also covers the records that held nothing for this owner). The recorded position is
 * written by the commit's last step, so it never runs ahead of the lake; if it is lost, the file
 * names still give a safe one.
 */
export async function recoverPositions(
  storage: LakeStorage,
  owner: string,
  partitions?: ReadonlySet<number>,
): Promise<Positions> {
  const { positions } = await recordedPositions(storage, owner, partitions);
  for (const dir of ownerDirs(owner)) {
    for (const file of await committedFiles(storage, dir)) {
      if (partitions && !partitions.has(file.partition)) continue;
      positions.set(file.partition, Math.max(positions.get(file.partition) ?? 0, file.lastOffset + 1));
    }
  }
  return positions;
}
