import { GamepipeError } from '../errors.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { HiveMetastoreClient } from '../metastore/hive-metastore-client.js';
import { HiveIcebergCatalog } from './hive-iceberg-catalog.js';
import type { IcebergCatalog } from './iceberg-catalog.js';

/**
 * The catalog of a deployment's Iceberg tables: the Hive metastore at `metastoreUrl` (the protocol
 * Trino, Spark and pyiceberg share). A lake without a metastore has none yet:
 * ICEBERG_CATALOG_MISSING. `storage` is the lake, for a catalog kept in the lake itself.
 */
export async function openIcebergCatalog({
  metastoreUrl,
}: {
  metastoreUrl: string | undefined;
  storage: LakeStorage;
}): Promise<IcebergCatalog> {
  if (metastoreUrl) return new HiveIcebergCatalog(new HiveMetastoreClient({ url: metastoreUrl }));
  throw new GamepipeError('ICEBERG_CATALOG_MISSING', 'Iceberg tables need --metastore-url for now', {
    hint: 'start a Hive metastore (test/services/hive-metastore.sh) and pass --metastore-url thrift://host:9083, or use --table-format hive',
  });
}
