import type { Config } from '../config/config-fields.js';
import { deploymentOf } from '../config/deployment.js';
import type { Positions } from '../eventlog/event-log.js';
import { deadLetterSpec, type TableSpec } from '../events/tables.js';
import { recoverPositions } from '../lake/commit/recover-positions.js';
import { tableSpecOf } from '../lake/owners.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { tableFiles } from './lake-tables.js';

/** A file a query of the table reads now. */
export interface ListedFile {
  path: string;
  size: number;
  /** At most this many rows: exact for an Iceberg file (its manifest entry), the offsets its name spans for a Hive one. */
  maxRows: number;
}

/**
 * The files each table's readers read now, whatever the table format: the committed files of its
 * directories (Hive), or the current snapshot's live files from the manifests (Iceberg). The one
 * place status, the dashboard and `tables list` ask, so none of them branches on the format.
 */
export interface TableFileLister {
  files(spec: TableSpec): Promise<ListedFile[]>;
  /**
   * Per log partition, the offset up to which an owner's rows are committed: its `_positions/`
   * records (Hive), or the highest its tables' current snapshots record (Iceberg).
   */
  positions(owner: string): Promise<Positions>;
  close(): Promise<void>;
}

/** Hive tables: the committed files of each table's directories. */
export const hiveTableFileLister = (storage: LakeStorage): TableFileLister => ({
  files: async (spec) =>
    (await tableFiles(storage, spec)).map((f) => ({
      path: f.path,
      size: f.size,
      maxRows: f.lastOffset - f.firstOffset + 1,
    })),
  positions: (owner) => recoverPositions(storage, owner),
  close: async () => {},
});

/** The lister of the deployment's table format (`deploymentOf(config).tableFormat`). */
export async function openTableFileLister(config: Config, storage: LakeStorage): Promise<TableFileLister> {
  if (deploymentOf(config).tableFormat !== 'iceberg') return hiveTableFileLister(storage);
  const [{ openIcebergCatalog }, { IcebergTable }] = await Promise.all([
    import('../iceberg/open-iceberg-catalog.js'),
    import('../iceberg/iceberg-table.js'),
  ]);
  const catalog = openIcebergCatalog({ metastoreUrl: config.metastoreUrl, storage });
  return {
    async files(spec) {
      const ident = { database: config.schema, table: spec.table };
      const table = await IcebergTable.open({ storage, catalog, ident, dir: spec.table });
      if (!table) return [];
      return (await table.liveDataFiles()).map((f) => ({ path: f.path, size: f.sizeBytes, maxRows: f.recordCount }));
    },
    async positions(owner) {
      const found: Positions = new Map();
      for (const spec of [tableSpecOf(owner), deadLetterSpec]) {
        if (!spec) continue;
        const ident = { database: config.schema, table: spec.table };
        const table = await IcebergTable.open({ storage, catalog, ident, dir: spec.table });
        for (const [key, value] of Object.entries((await table?.positions()) ?? {})) {
          const at = key.lastIndexOf('+');
          const partition = Number(key.slice(at + 1));
          if (key.slice(0, at) !== owner || !Number.isInteger(partition) || typeof value !== 'number') continue;
          found.set(partition, Math.max(found.get(partition) ?? 0, value));
        }
      }
      return found;
    },
    close: () => catalog.close(),
  };
}
