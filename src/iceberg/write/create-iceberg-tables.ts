import type { Config } from '../../config/config-fields.js';
import { GamepipeError, isGamepipeError } from '../../errors.js';
import type { TableSpec } from '../../events/tables.js';
import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import { HiveMetastoreClient } from '../../metastore/hive-metastore-client.js';
import type { IcebergCatalog } from '../iceberg-catalog.js';
import { evolveSchema } from '../iceberg-schema.js';
import { IcebergTable } from '../iceberg-table.js';
import { openIcebergCatalog } from '../open-iceberg-catalog.js';
import { currentSchema } from '../table-metadata.js';

export interface IcebergTableOutcome {
  table: string;
  outcome: 'created' | 'evolved' | 'exists';
}

/**
 * Creates the Iceberg tables of `specs` in `database` of the catalog, or brings an existing one's
 * schema to the code's (new fields become optional columns; older rows read null). Everything is
 * checked before anything changes, and each refusal is one line:
 * - a table of that name in the catalog that is not an Iceberg table (a Hive table): USAGE;
 * - Hive-layout files (`dt=` directories) in a table's lake directory where no Iceberg table is:
 *   an Iceberg table there would not see them: USAGE;
 * - a field whose type Iceberg cannot promote: ICEBERG_SCHEMA_INCOMPATIBLE, naming `table.field`.
 */
export async function createIcebergTables(options: {
  storage: LakeStorage;
  catalog: IcebergCatalog;
  database: string;
  specs: TableSpec[];
}): Promise<IcebergTableOutcome[]> {
  const { storage, catalog, database, specs } = options;
  const existing = new Map<string, IcebergTable>();
  for (const spec of specs) {
    const ident = { database, table: spec.table };
    const table = await IcebergTable.open({ storage, catalog, ident, dir: spec.table }).catch((error: unknown) => {
      if (isGamepipeError(error) && error.code === 'ICEBERG_ERROR' && /not an Iceberg table/.test(error.message))
        throw new GamepipeError(
          'USAGE',
          `${database}.${spec.table} is a Hive table in the metastore, not an Iceberg one: nothing was changed (use --table-format hive, or another --schema)`,
        );
      throw error;
    });
    if (table) {
      // Refused here, before any table changes, if a field cannot be promoted.
      evolveSchema(currentSchema(table.metadata), table.metadata['last-column-id'], spec);
      existing.set(spec.table, table);
      continue;
    }
    const hiveDirs = (await storage.list(spec.table)).filter((e) => e.name.startsWith('dt='));
    if (hiveDirs.length > 0)
      throw new GamepipeError(
        'USAGE',
        `the lake already holds Hive table files in ${spec.table}/ (${hiveDirs.length} dt= directories) that an Iceberg table would not see: nothing was changed (use --table-format hive, or another --lake)`,
      );
  }
  const outcomes: IcebergTableOutcome[] = [];
  for (const spec of specs) {
    const table = existing.get(spec.table);
    if (table) {
      const evolved = await table.evolveSchema(spec);
      await table.addBoundingProperties();
      outcomes.push({ table: spec.table, outcome: evolved ? 'evolved' : 'exists' });
      continue;
    }
    await IcebergTable.create({ storage, catalog, ident: { database, table: spec.table }, dir: spec.table }, spec);
    outcomes.push({ table: spec.table, outcome: 'created' });
  }
  return outcomes;
}

/**
 * `tables create` and `up` on `--table-format iceberg`: with a metastore, the tables in its database
 * `config.schema` (created when absent), read by Trino through its `iceberg` catalog (and its `hive`
 * catalog, redirected); without one, in the catalog kept in the lake (each table's `metadata/`),
 * read by gamepipe's DuckDB. Presto is refused: gamepipe's Iceberg path is tested with Trino only.
 */
export async function declareIcebergTables(
  config: Pick<Config, 'metastoreUrl' | 'schema'>,
  engine: string,
  storage: LakeStorage,
  specs: TableSpec[],
): Promise<IcebergTableOutcome[]> {
  if (engine === 'presto')
    throw new GamepipeError(
      'USAGE',
      'Iceberg tables are read through Trino (--trino-url) or DuckDB, not Presto: nothing was changed (use --table-format hive with Presto)',
    );
  const catalog = await openIcebergCatalog({ metastoreUrl: config.metastoreUrl, storage });
  const metastore = config.metastoreUrl ? new HiveMetastoreClient({ url: config.metastoreUrl }) : undefined;
  try {
    await metastore?.createDatabase(config.schema);
    return await createIcebergTables({ storage, catalog, database: config.schema, specs });
  } finally {
    await metastore?.close();
    await catalog.close();
  }
}
