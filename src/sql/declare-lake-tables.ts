import type { Config } from '../config/config-fields.js';
import { deploymentOf } from '../config/deployment.js';
import type { TableSpec } from '../events/tables.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { declareTables, type TableRegistration, type TableRegistry } from './table-registry.js';

/** Declares the tables in the deployment's table format: Hive external tables through the registry, or Iceberg tables in the metastore. */
export async function declareLakeTables(
  config: Config,
  registry: TableRegistry,
  storage: LakeStorage,
  specs: TableSpec[],
): Promise<(TableRegistration | { table: string; outcome: 'created' | 'evolved' | 'exists' })[]> {
  const deployment = deploymentOf(config);
  if (deployment.tableFormat === 'hive') return declareTables(registry, specs);
  // Loaded here: the Iceberg writer brings Avro and the metastore client.
  const { declareIcebergTables } = await import('../iceberg/write/create-iceberg-tables.js');
  return declareIcebergTables(config, deployment.engine, storage, specs);
}
