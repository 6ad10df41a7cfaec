import { tableSpecs, type TableSpec } from '../events/tables.js';
import { deadLetterDir } from './lake-paths.js';

/**
 * Ownership, per table: a stream writer owns some tables of the lake: `buy`, `guild`, `user`, and `unrouted` (the dead
 * letters of records whose event type cannot be told). Only one process may own each at a time.
 */
export const UNROUTED = 'unrouted';

export type WriterTarget = 'buy' | 'guild' | 'user' | 'all';
export const writerTargets: WriterTarget[] = ['buy', 'guild', 'user', 'all'];

/** The owners a `gamepipe stream <target>` process writes for. */
export function ownersOf(target: WriterTarget): string[] {
  return target === 'all' ? [...tableSpecs.map((t) => t.name), UNROUTED] : [target];
}

export const tableSpecOf = (owner: string): TableSpec | undefined => tableSpecs.find((t) => t.name === owner);

/** The table directories an owner writes, relative to the lake root: its table and its dead letters. */
export const ownerDirs = (owner: string): string[] => [
  ...(tableSpecOf(owner) ? [tableSpecOf(owner)!.table] : []),
  deadLetterDir(owner),
];
