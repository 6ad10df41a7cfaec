import { logger } from '../logger.js';
import type { IcebergCatalog, TableIdent } from './iceberg-catalog.js';
import type { TableLocation } from './table-location.js';
import type { TableMetadata } from './table-metadata.js';
import { deleteAfterCommit } from './table-properties.js';

/** The metadata files `base`'s log names and `next`'s no longer does (Java's `base.previousFiles() - metadata.previousFiles()`). */
export function removedMetadataFiles(base: TableMetadata, next: TableMetadata): string[] {
  const kept = new Set(next['metadata-log'].map((e) => e['metadata-file']));
  return base['metadata-log'].map((e) => e['metadata-file']).filter((file) => !kept.has(file));
}

/**
 * After a commit of `next` over `base`: with `write.metadata.delete-after-commit.enabled`, deletes
 * the metadata files that fell out of the metadata log, as Java's CatalogUtil.deleteRemovedMetadataFiles
 * and Trino do. No commit names them again: the log only ever drops its oldest entries. Best effort:
 * a file not deleted is an orphan for `tables maintain`, and a failure never fails the commit. The
 * catalog may keep some (the lake's catalog keeps any version its hint could still point readers at).
 * Returns how many were deleted.
 */
export async function deleteRemovedMetadataFiles(
  location: TableLocation,
  catalog: IcebergCatalog,
  ident: TableIdent,
  base: TableMetadata,
  next: TableMetadata,
): Promise<number> {
  if (!deleteAfterCommit(next)) return 0;
  let removed = removedMetadataFiles(base, next);
  if (removed.length === 0) return 0;
  let deleted = 0;
  let failure: unknown;
  try {
    if (catalog.deletableMetadataFiles) removed = await catalog.deletableMetadataFiles(ident, removed);
  } catch (error) {
    failure = error;
    removed = [];
  }
  for (const file of removed) {
    try {
      if (await location.storage.delete(location.lakePath(file))) deleted++;
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure)
    logger.warn({ table: ident.table, err: failure }, 'old metadata files not deleted; tables maintain will');
  return deleted;
}
