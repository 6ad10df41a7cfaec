import { GamepipeError } from '../../errors.js';
import type { TableFormat } from '../batch/table-format.js';
import { ownersOf, type WriterTarget } from '../owners.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import type { ScratchDir } from '../storage/local/scratch-dir.js';
import { HiveTableFormat } from './hive-table-format.js';
import type { LakeCommitter } from './lake-committer.js';
import { ObjectStoreTableFormat } from './object-store-table-format.js';

/**
 * How a writer of `target` commits Hive tables on this store: by atomic, non-overwriting renames
 * where the store has them (a local directory, HDFS), else through the store's pending uploads
 * (S3: multipart uploads completed with `If-None-Match: *`), with no rename at all.
 */
export function hiveTableFormatFor(
  storage: LakeStorage,
  committer: LakeCommitter,
  scratch: ScratchDir,
  target: WriterTarget,
): TableFormat {
  if (storage.atomicRename) return new HiveTableFormat(storage, committer, ownersOf(target));
  if (!storage.pendingUploads)
    throw new GamepipeError(
      'LAKE_ERROR',
      `${storage.uri} neither renames atomically nor stages uploads: gamepipe cannot commit to it exactly once`,
    );
  return new ObjectStoreTableFormat(storage, storage.pendingUploads, scratch, target, ownersOf(target));
}
