import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { HiveIcebergCatalog } from './hive-iceberg-catalog.js';
import type { IcebergCatalog } from './iceberg-catalog.js';
import { LakeIcebergCatalog } from './lake-iceberg-catalog.js';

export interface OpenIcebergCatalogOptions {
  /** The Hive metastore's Thrift address (`--metastore-url`); without one, the catalog is kept in the lake. */
  metastoreUrl?: string | undefined;
  storage: LakeStorage;
}

/**
 * The deployment's Iceberg catalog: the Hive metastore when there is one (what Trino's `iceberg`
 * catalog and Java's HiveCatalog share), else the lake's own file-system catalog (`v<N>.metadata.json`
 * in each table's `metadata/`), for the embedded default and a bare HDFS or S3 lake.
 */
export function openIcebergCatalog(options: OpenIcebergCatalogOptions): IcebergCatalog {
  if (options.metastoreUrl) return HiveIcebergCatalog.open(options.metastoreUrl);
  return new LakeIcebergCatalog({ storage: options.storage });
}
