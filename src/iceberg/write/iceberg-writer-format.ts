import type { TableFormatFactory } from '../../lake/batch/table-format.js';
import { openIcebergCatalog } from '../open-iceberg-catalog.js';
import { IcebergTableFormat } from './iceberg-table-format.js';

/**
 * The table format of a stream writer on `--table-format iceberg`: its tables in the catalog
 * `openIcebergCatalog` gives, in the database `database` (`config.schema`), compacted as it writes.
 */
export function icebergWriterFormat(options: {
  metastoreUrl: string | undefined;
  database: string;
}): TableFormatFactory {
  return async ({ storage, scratch, target, parquet, compaction }) =>
    new IcebergTableFormat({
      storage,
      catalog: await openIcebergCatalog({ metastoreUrl: options.metastoreUrl, storage }),
      database: options.database,
      writer: target,
      scratch,
      compaction: { parquet, policy: compaction },
    });
}
