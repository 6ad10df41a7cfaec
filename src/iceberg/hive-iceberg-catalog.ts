import { GamepipeError, isGamepipeError } from '../errors.js';
import { HiveMetastoreClient } from '../metastore/hive-metastore-client.js';
import {
  type HiveColumnSpec,
  icebergTableObject,
  tableParameters,
  withTableParameters,
} from '../metastore/hive-metastore-objects.js';
import type { IcebergCatalog, TableIdent } from './iceberg-catalog.js';
import { currentSchema, currentSnapshot, type TableMetadata } from './table-metadata.js';

/** Parameter names of Iceberg's Hive catalog (BaseMetastoreTableOperations). */
export const METADATA_LOCATION = 'metadata_location';
const PREVIOUS_METADATA_LOCATION = 'previous_metadata_location';
const TABLE_TYPE = 'table_type';
// A table property longer than this stays in the metadata file only (Iceberg caps mirrored values too).
const MAX_MIRRORED_PROPERTY = 4000;

const HIVE_TYPES: Record<string, string> = {
  string: 'string',
  int: 'int',
  long: 'bigint',
  double: 'double',
  float: 'float',
  boolean: 'boolean',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  date: 'date',
};

/**
 * The columns mirrored into the metastore, in field-id order: a field added later comes last there
 * (in the Iceberg schema it sits before `dt`), so the metastore's check that an altered table's
 * columns keep compatible types at each position passes, as Hive readers only append columns too.
 */
const hiveColumns = (metadata: TableMetadata): HiveColumnSpec[] =>
  [...currentSchema(metadata).fields]
    .sort((a, b) => a.id - b.id)
    .map((f) => ({
      name: f.name,
      type: (typeof f.type === 'string' && HIVE_TYPES[f.type]) || 'string',
    }));

/** The parameters Iceberg's HiveCatalog writes on each commit (HMSTablePropertyHelper), gamepipe's subset. */
function icebergParameters(metadata: TableMetadata, location: string, previous?: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.properties))
    if (value.length <= MAX_MIRRORED_PROPERTY) parameters[key] = value;
  Object.assign(parameters, {
    [TABLE_TYPE]: 'ICEBERG',
    [METADATA_LOCATION]: location,
    uuid: metadata['table-uuid'],
    DO_NOT_UPDATE_STATS: 'true',
  });
  if (previous) parameters[PREVIOUS_METADATA_LOCATION] = previous;
  const summary = currentSnapshot(metadata)?.summary;
  if (summary?.['total-data-files']) parameters.numFiles = summary['total-data-files'];
  if (summary?.['total-records']) parameters.numRows = summary['total-records'];
  if (summary?.['total-files-size']) parameters.totalSize = summary['total-files-size'];
  return parameters;
}

const conflict = (ident: TableIdent, cause?: unknown) =>
  new GamepipeError(
    'ICEBERG_COMMIT_CONFLICT',
    `${ident.database}.${ident.table} was committed by another writer first`,
    {
      cause,
    },
  );

/**
 * Iceberg tables in a Hive metastore, committed as Iceberg's HiveCatalog does without locks (and as
 * Trino does with `iceberg.hive-catalog.locking-enabled=false`): `alter_table_with_environment_context`
 * with `expected_parameter_key=metadata_location` and `expected_parameter_value=<base location>`, a
 * conditional update the metastore applies in one transaction (Hive 4, direct SQL on). Every writer of
 * a table must commit this way for the swaps to exclude each other: HMS locks and this do not mix.
 */
export class HiveIcebergCatalog implements IcebergCatalog {
  constructor(private readonly client: HiveMetastoreClient) {}

  static open(url: string): HiveIcebergCatalog {
    return new HiveIcebergCatalog(new HiveMetastoreClient({ url }));
  }

  async currentLocation(ident: TableIdent): Promise<string | undefined> {
    const table = await this.client.getTable(ident.database, ident.table);
    if (!table) return undefined;
    const parameters = tableParameters(table);
    if (parameters[TABLE_TYPE]?.toUpperCase() !== 'ICEBERG' || !parameters[METADATA_LOCATION]) {
      throw new GamepipeError('ICEBERG_ERROR', `${ident.database}.${ident.table} is not an Iceberg table`, {
        hint: 'drop the Hive table (its files stay), or keep --table-format hive',
      });
    }
    return parameters[METADATA_LOCATION];
  }

  async create(ident: TableIdent, location: string, metadata: TableMetadata): Promise<boolean> {
    return this.client.createTable(
      icebergTableObject({
        database: ident.database,
        table: ident.table,
        columns: hiveColumns(metadata),
        location: metadata.location,
        parameters: icebergParameters(metadata, location),
      }),
    );
  }

  async commit(ident: TableIdent, expected: string, location: string, metadata: TableMetadata): Promise<void> {
    const table = await this.client.getTable(ident.database, ident.table);
    if (!table) throw new GamepipeError('ICEBERG_ERROR', `${ident.database}.${ident.table} no longer exists`);
    if (tableParameters(table)[METADATA_LOCATION] !== expected) throw conflict(ident);
    const changed = withTableParameters(table, icebergParameters(metadata, location, expected), hiveColumns(metadata));
    try {
      await this.client.alterTableWithEnvironment(ident.database, ident.table, changed, {
        expected_parameter_key: METADATA_LOCATION,
        expected_parameter_value: expected,
        DO_NOT_UPDATE_STATS: 'true',
      });
    } catch (error) {
      if (!isGamepipeError(error)) throw error;
      if (error.code === 'METASTORE_ERROR' && error.message.includes('has been modified')) throw conflict(ident, error);
      if (error.code !== 'METASTORE_UNAVAILABLE') throw error;
      // No answer: the swap may or may not have happened. Ask again once; only the pointer knows.
      const now = await this.currentLocation(ident).catch(() => undefined);
      if (now === location) return;
      throw new GamepipeError(
        'ICEBERG_COMMIT_IN_DOUBT',
        `no answer to the commit of ${ident.database}.${ident.table}: reread the table before writing again`,
        { cause: error },
      );
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
