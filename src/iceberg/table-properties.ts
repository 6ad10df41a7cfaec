import type { TableMetadata } from './table-metadata.js';

/**
 * The Iceberg table properties (Java's `TableProperties`) that bound what a table accumulates, read
 * with Java's defaults so that gamepipe, Trino and Spark keep a table the same way.
 */
export const DELETE_AFTER_COMMIT = 'write.metadata.delete-after-commit.enabled';
export const PREVIOUS_VERSIONS_MAX = 'write.metadata.previous-versions-max';
export const MANIFEST_MERGE_ENABLED = 'commit.manifest-merge.enabled';
export const MANIFEST_MIN_MERGE_COUNT = 'commit.manifest.min-count-to-merge';
export const MANIFEST_TARGET_SIZE_BYTES = 'commit.manifest.target-size-bytes';

/**
 * What gamepipe sets on the tables it creates (and adds to one that lacks them): old metadata files
 * deleted at each commit, as Java and Trino (476 here; trinodb/trino#24306) do when the property is
 * on (Java's default is off, which leaves one metadata file per commit for ever: tens of thousands a
 * day at gamepipe's commit rate); and manifests merged from 32 rather than Java's 100, since every
 * reader opens each manifest to plan a scan and gamepipe commits every few seconds.
 */
export const GAMEPIPE_TABLE_PROPERTIES: Readonly<Record<string, string>> = {
  [DELETE_AFTER_COMMIT]: 'true',
  [PREVIOUS_VERSIONS_MAX]: '100',
  [MANIFEST_MIN_MERGE_COUNT]: '32',
};

function intProperty(metadata: TableMetadata, key: string, fallback: number): number {
  const value = Number(metadata.properties[key]);
  return Number.isInteger(value) ? value : fallback;
}

const boolProperty = (metadata: TableMetadata, key: string, fallback: boolean): boolean =>
  metadata.properties[key] === undefined ? fallback : metadata.properties[key]!.toLowerCase() === 'true';

/** Previous metadata files the metadata log keeps: Java's `max(1, previous-versions-max)`, 100 by default. */
export const previousVersionsMax = (metadata: TableMetadata): number =>
  Math.max(1, intProperty(metadata, PREVIOUS_VERSIONS_MAX, 100));

/** Whether a commit deletes the metadata files that fell out of the log (Java's default: false). */
export const deleteAfterCommit = (metadata: TableMetadata): boolean =>
  boolProperty(metadata, DELETE_AFTER_COMMIT, false);

/** Java's merge-append settings: on, from 100 manifests, into manifests of at most 8 MiB. */
export const manifestMergeSettings = (metadata: TableMetadata) => ({
  enabled: boolProperty(metadata, MANIFEST_MERGE_ENABLED, true),
  minCountToMerge: intProperty(metadata, MANIFEST_MIN_MERGE_COUNT, 100),
  targetSizeBytes: intProperty(metadata, MANIFEST_TARGET_SIZE_BYTES, 8 * 1024 * 1024),
});
