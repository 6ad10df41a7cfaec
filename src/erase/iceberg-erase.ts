import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { deadLetterSpec } from '../events/tables.js';
import type { DataFile, LiveDataFile } from '../iceberg/data-file.js';
import { IcebergTable, type IcebergTableOptions } from '../iceberg/iceberg-table.js';
import { expireIcebergSnapshots } from '../iceberg/maintenance/maintain-iceberg-table.js';
import { type GamepipeTable, icebergDataPath, parseIcebergDataPath } from '../iceberg/write/gamepipe-tables.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import type { ScratchDir } from '../lake/storage/local/scratch-dir.js';
import { parquetFilesUnder } from './parquet-files-under.js';
import type { PlayerRows } from './player-rows.js';

export interface IcebergErasure {
  storage: LakeStorage;
  rows: PlayerRows;
  scratch: ScratchDir;
  pseudonym: string;
}

export interface TableErased {
  table: string;
  rows: number;
  filesReplaced: number;
  snapshotsExpired: number;
  /** Files holding the player that no snapshot reads any more, deleted. */
  deleted: number;
  /** Data files only the expired snapshots reached, deleted with them (the replaced ones among them). */
  expiredFiles: number;
}

/** Where a file's rewrite goes: gamepipe's name for the same offsets (a new random suffix), or a fresh name for another writer's file. */
function rewrittenPath(table: GamepipeTable, file: LiveDataFile): string {
  const name = parseIcebergDataPath(file.path);
  const dt = `dt=${file.partition.dt}`;
  if (!name) return `${table.dir}/data/${dt}/erased-${randomUUID()}.parquet`;
  const dir = table.spec === deadLetterSpec ? `${table.dir}/${name.owner}` : table.dir;
  return icebergDataPath({ dir, dt, ...name });
}

/**
 * Pseudonymises the player's rows in one Iceberg table: every live file holding some is rewritten
 * (same rows, same order) and the lot swapped in by one `replace` snapshot, through the catalog's
 * compare-and-swap, so every reader sees all the old files or all the new ones. The snapshot
 * carries the writers' positions, so that expiring every older snapshot right after (retention 0)
 * keeps the writers' resume point while time travel can no longer reach the old files; then every
 * Parquet file of the table no snapshot reads and holding the player's rows (the replaced ones,
 * orphans of failed commits) is deleted. A concurrent writer's append makes the swap retry on the
 * new snapshot; a concurrent replace of the same files (Trino's optimize) makes it fail
 * (ICEBERG_REPLACE_STALE), and the erase is run again. A run stopped anywhere is finished by the
 * next: rewritten rows are not found again, and the old files are found as unread.
 */
export async function eraseFromIcebergTable(
  erasure: IcebergErasure,
  options: IcebergTableOptions,
  table: GamepipeTable,
): Promise<TableErased | undefined> {
  const { storage, scratch, rows } = erasure;
  const iceberg = await IcebergTable.open(options);
  if (!iceberg) return undefined;
  const outcome: TableErased = {
    table: table.dir,
    rows: 0,
    filesReplaced: 0,
    snapshotsExpired: 0,
    deleted: 0,
    expiredFiles: 0,
  };
  const removed: string[] = [];
  const added: DataFile[] = [];
  for (const file of await iceberg.liveDataFiles()) {
    const copy = await scratch.localCopy(storage, file.path);
    try {
      const count = await rows.count(table.spec, copy.path);
      if (count === 0) continue;
      const local = await scratch.write((target) => rows.rewrite(table.spec, copy.path, target, erasure.pseudonym));
      const path = rewrittenPath(table, file);
      const sizeBytes = statSync(local).size;
      try {
        await storage.upload(local, path);
      } finally {
        scratch.remove(local);
      }
      const name = parseIcebergDataPath(file.path);
      added.push({
        path,
        sizeBytes,
        recordCount: file.recordCount,
        partition: file.partition,
        ...(name ? { bounds: { log_offset: { lower: name.firstOffset, upper: name.lastOffset } } } : {}),
      });
      removed.push(file.path);
      outcome.rows += count;
    } finally {
      copy.release();
    }
  }
  if (removed.length > 0) {
    await iceberg.replace(removed, added, { positions: {}, summary: { 'gamepipe.erasure': 'true' } });
    outcome.filesReplaced = removed.length;
  }
  // Expiry deletes the files only the expired snapshots reached: the replaced ones among them.
  const expiry = await expireIcebergSnapshots(options, { retentionMs: 0, minSnapshotsToKeep: 1 });
  outcome.snapshotsExpired = expiry.expired;
  outcome.expiredFiles = expiry.files.dataFiles;
  await iceberg.refresh();
  const live = new Set((await iceberg.liveDataFiles()).map((f) => f.path));
  for (const path of await parquetFilesUnder(storage, `${table.dir}/data`)) {
    if (live.has(path)) continue;
    const copy = await scratch.localCopy(storage, path);
    let count: number;
    try {
      count = await rows.count(table.spec, copy.path);
    } finally {
      copy.release();
    }
    if (count > 0 && (await storage.delete(path))) outcome.deleted++;
  }
  return outcome.rows + outcome.deleted + outcome.filesReplaced === 0 ? undefined : outcome;
}
