import { GamepipeError } from '../../errors.js';
import type { TableFormat, TableFormatContext } from '../batch/table-format.js';
import { ownersOf } from '../owners.js';
import { hiveTableFormat } from './hive-table-format.js';
import { ObjectStoreTableFormat } from './object-store-table-format.js';

/**
 * How a stream writer commits Hive tables on this store (the default `TableFormatFactory`): by
 * atomic, non-overwriting renames where the store has them (a local directory, HDFS), else through
 * the store's pending uploads (S3: multipart uploads completed with `If-None-Match: *`), with no
 * rename at all. An object store has no open-day compaction (`Deployment.compaction`).
 */
export function hiveTableFormatFor(context: TableFormatContext): TableFormat {
  const { storage, scratch, target } = context;
  if (storage.atomicRename) return hiveTableFormat(context);
  if (!storage.pendingUploads)
    throw new GamepipeError(
      'LAKE_ERROR',
      `${storage.uri} neither renames atomically nor stages uploads: gamepipe cannot commit to it exactly once`,
    );
  return new ObjectStoreTableFormat(storage, storage.pendingUploads, scratch, target, ownersOf(target));
}
