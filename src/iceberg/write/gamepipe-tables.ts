import { randomUUID } from 'node:crypto';
import { deadLetterSpec, type TableSpec, tableSpecs } from '../../events/tables.js';
import type { DataFileTarget } from '../../lake/batch/routed-batch.js';
import { dataFileName } from '../../lake/lake-paths.js';
import { tableSpecOf } from '../../lake/owners.js';

/**
 * Which Iceberg table holds a routed file, and where its data file goes. One Iceberg table per
 * events table (`events_buy`, at the lake directory of the same name) and one for every owner's
 * dead letters (`events_dead_letter`); data files sit under `<table>/data/dt=YYYY-MM-DD/`, as
 * Iceberg writers lay them out, with the log partition and offsets in the name (and a random
 * suffix: a batch staged again after a crash never meets the file of the first try).
 */
export interface GamepipeTable {
  spec: TableSpec;
  /** The table's directory in the lake, also its name in the catalog. */
  dir: string;
}

const DEAD_LETTERS = 'events_dead_letter/';

/** The table a routed file's directory (`events_buy`, `events_dead_letter/<owner>`) or a table's own directory belongs to. */
export function tableOfDir(dir: string): GamepipeTable {
  if (dir.startsWith(DEAD_LETTERS) || dir === deadLetterSpec.table)
    return { spec: deadLetterSpec, dir: deadLetterSpec.table };
  const spec = tableSpecs.find((t) => t.table === dir);
  if (!spec) throw new Error(`${dir} is not a gamepipe table directory`);
  return { spec, dir: spec.table };
}

/** The owner whose rows a routed file's directory holds. */
export function ownerOfDir(dir: string): string {
  if (dir.startsWith(DEAD_LETTERS)) return dir.slice(DEAD_LETTERS.length);
  return tableSpecs.find((t) => t.table === dir)!.name;
}

/** The tables an owner commits to: its events table (none for `unrouted`) and the dead letters. */
export const tablesOfOwner = (owner: string): GamepipeTable[] => [
  ...(tableSpecOf(owner) ? [{ spec: tableSpecOf(owner)!, dir: tableSpecOf(owner)!.table }] : []),
  { spec: deadLetterSpec, dir: deadLetterSpec.table },
];

/** Every table gamepipe writes. */
export const allTables = (): GamepipeTable[] => [
  ...tableSpecs.map((spec) => ({ spec, dir: spec.table })),
  { spec: deadLetterSpec, dir: deadLetterSpec.table },
];

/** `events+<partition>+<first>+<last>.<owner>.<8 hex>.parquet` (the owner for dead letters only). */
const DATA_FILE = /^events\+(\d+)\+(\d+)\+(\d+)\.(?:([a-z_]+)\.)?[0-9a-f]{8}\.parquet$/;

export function icebergDataPath(
  target: Pick<DataFileTarget, 'dir' | 'dt' | 'partition' | 'firstOffset' | 'lastOffset'>,
): string {
  const table = tableOfDir(target.dir);
  const owner = table.spec === deadLetterSpec ? `.${ownerOfDir(target.dir)}` : '';
  const name = dataFileName(target.partition, target.firstOffset, target.lastOffset).replace(
    /\.parquet$/,
    `${owner}.${randomUUID().slice(0, 8)}.parquet`,
  );
  return `${table.dir}/data/${target.dt}/${name}`;
}

/** What a gamepipe data file's name says; null for another writer's files (Trino's). */
export function parseIcebergDataPath(
  path: string,
): { partition: number; firstOffset: number; lastOffset: number; owner?: string } | null {
  const match = DATA_FILE.exec(path.slice(path.lastIndexOf('/') + 1));
  if (!match) return null;
  return {
    partition: Number(match[1]),
    firstOffset: Number(match[2]),
    lastOffset: Number(match[3]),
    ...(match[4] ? { owner: match[4] } : {}),
  };
}

/** The key of an owner's position in a log partition, in a snapshot's `gamepipe.positions`. */
export const positionKey = (owner: string, partition: number): string => `${owner}+${partition}`;
