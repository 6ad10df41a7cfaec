import { TType, type ThriftStruct } from './thrift-value.js';
import {
  readString,
  readStringMap,
  readStruct,
  readStructList,
  stringList,
  stringMap,
  structList,
  thriftString,
  thriftStruct,
  withField,
} from './thrift-struct.js';

/** Field ids from hive_metastore.thrift (the same in Hive 3.x and 4.x); only those gamepipe sets or reads. */
const Database = { name: 1, description: 2, locationUri: 3, parameters: 4, ownerName: 6, ownerType: 7 } as const;
const Table = {
  tableName: 1,
  dbName: 2,
  owner: 3,
  createTime: 4,
  lastAccessTime: 5,
  retention: 6,
  sd: 7,
  partitionKeys: 8,
  parameters: 9,
  tableType: 12,
} as const;
const Partition = {
  values: 1,
  dbName: 2,
  tableName: 3,
  createTime: 4,
  lastAccessTime: 5,
  sd: 6,
  parameters: 7,
} as const;
const StorageDescriptor = {
  cols: 1,
  location: 2,
  inputFormat: 3,
  outputFormat: 4,
  compressed: 5,
  numBuckets: 6,
  serdeInfo: 7,
  bucketCols: 8,
  sortCols: 9,
  parameters: 10,
} as const;
const SerDeInfo = { name: 1, serializationLib: 2, parameters: 3 } as const;
const FieldSchema = { name: 1, type: 2, comment: 3 } as const;
/** PrincipalType.USER in the IDL's enum. */
const USER = 1;

const PARQUET = {
  serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  input: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  output: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
};

/** A column as Hive names its type: `bigint`, `string`, `timestamp`, ... */
export interface HiveColumnSpec {
  name: string;
  type: string;
}

export interface ExternalTableSpec {
  database: string;
  table: string;
  columns: HiveColumnSpec[];
  partitionKeys: HiveColumnSpec[];
  /** The table's directory, e.g. `hdfs://127.0.0.1:8020/lake/events_buy` or `file:///abs/lake/events_buy`. */
  location: string;
  owner?: string;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const fieldSchemas = (columns: HiveColumnSpec[]) =>
  structList(
    columns.map((c) =>
      thriftStruct(
        [FieldSchema.name, TType.STRING, thriftString(c.name)],
        [FieldSchema.type, TType.STRING, thriftString(c.type)],
      ),
    ),
  );

export function databaseObject(name: string, options: { location?: string; owner?: string } = {}): ThriftStruct {
  return thriftStruct(
    [Database.name, TType.STRING, thriftString(name)],
    [Database.locationUri, TType.STRING, options.location === undefined ? undefined : thriftString(options.location)],
    [Database.parameters, TType.MAP, stringMap({})],
    [Database.ownerName, TType.STRING, options.owner === undefined ? undefined : thriftString(options.owner)],
    [Database.ownerType, TType.I32, options.owner === undefined ? undefined : USER],
  );
}

/** Where a table's files are and how Hive would read them (Trino reads Iceberg tables by their metadata instead). */
function storageDescriptor(
  columns: HiveColumnSpec[],
  location: string,
  formats: { serde: string; input: string; output: string },
): ThriftStruct {
  return thriftStruct(
    [StorageDescriptor.cols, TType.LIST, fieldSchemas(columns)],
    [StorageDescriptor.location, TType.STRING, thriftString(location)],
    [StorageDescriptor.inputFormat, TType.STRING, thriftString(formats.input)],
    [StorageDescriptor.outputFormat, TType.STRING, thriftString(formats.output)],
    [StorageDescriptor.compressed, TType.BOOL, false],
    [StorageDescriptor.numBuckets, TType.I32, -1],
    [
      StorageDescriptor.serdeInfo,
      TType.STRUCT,
      thriftStruct(
        [SerDeInfo.serializationLib, TType.STRING, thriftString(formats.serde)],
        [SerDeInfo.parameters, TType.MAP, stringMap({})],
      ),
    ],
    [StorageDescriptor.bucketCols, TType.LIST, stringList([])],
    [StorageDescriptor.sortCols, TType.LIST, structList([])],
    [StorageDescriptor.parameters, TType.MAP, stringMap({})],
  );
}

/** An external Parquet table: dropping it in the metastore leaves its files. */
export function externalParquetTableObject(spec: ExternalTableSpec): ThriftStruct {
  const sd = storageDescriptor(spec.columns, spec.location, PARQUET);
  return thriftStruct(
    [Table.tableName, TType.STRING, thriftString(spec.table)],
    [Table.dbName, TType.STRING, thriftString(spec.database)],
    [Table.owner, TType.STRING, spec.owner === undefined ? undefined : thriftString(spec.owner)],
    [Table.createTime, TType.I32, nowSeconds()],
    [Table.lastAccessTime, TType.I32, 0],
    [Table.retention, TType.I32, 0],
    [Table.sd, TType.STRUCT, sd],
    [Table.partitionKeys, TType.LIST, fieldSchemas(spec.partitionKeys)],
    [Table.parameters, TType.MAP, stringMap({ EXTERNAL: 'TRUE' })],
    [Table.tableType, TType.STRING, thriftString('EXTERNAL_TABLE')],
  );
}

/** A partition of `table` with these values, stored like the table (its storage descriptor, copied) at `location`. */
export function partitionObject(table: ThriftStruct, values: string[], location: string): ThriftStruct {
  const sd = readStruct(table, Table.sd);
  if (!sd) throw new Error(`table ${readString(table, Table.tableName)} has no storage descriptor`);
  return thriftStruct(
    [Partition.values, TType.LIST, stringList(values)],
    [Partition.dbName, TType.STRING, thriftString(readString(table, Table.dbName) ?? '')],
    [Partition.tableName, TType.STRING, thriftString(readString(table, Table.tableName) ?? '')],
    [Partition.createTime, TType.I32, nowSeconds()],
    [Partition.lastAccessTime, TType.I32, 0],
    [Partition.sd, TType.STRUCT, withField(sd, StorageDescriptor.location, TType.STRING, thriftString(location))],
    [Partition.parameters, TType.MAP, stringMap({})],
  );
}

export const tableLocation = (table: ThriftStruct): string | undefined => locationIn(table, Table.sd);
export const partitionLocation = (partition: ThriftStruct): string | undefined => locationIn(partition, Partition.sd);
export const partitionKeyNames = (table: ThriftStruct): string[] =>
  (readStructList(table, Table.partitionKeys) ?? []).map((k) => readString(k, FieldSchema.name) ?? '');

function locationIn(object: ThriftStruct, sdField: number): string | undefined {
  const sd = readStruct(object, sdField);
  return sd && readString(sd, StorageDescriptor.location);
}

/** The same partition at another location: every other field, known to gamepipe or not, is kept as it was read. */
export function relocatedPartition(partition: ThriftStruct, location: string): ThriftStruct {
  const sd = readStruct(partition, Partition.sd);
  if (!sd) throw new Error('a partition without a storage descriptor cannot be relocated');
  return withField(
    partition,
    Partition.sd,
    TType.STRUCT,
    withField(sd, StorageDescriptor.location, TType.STRING, thriftString(location)),
  );
}

// Hive's FileUtils.escapePathName: these characters (and control characters) become %XX in partition names.
const ESCAPED = new Set('"#%\'*/:=?\\\u007f{[]^');
const escapePathName = (text: string) =>
  [...text]
    .map((c) =>
      ESCAPED.has(c) || c.charCodeAt(0) < 0x20 ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c,
    )
    .join('');

/** The partition's name as the metastore keys it: `dt=2026-11-28`, `writer=buy/dt=2026-11-28`. */
export function partitionName(keys: string[], values: string[]): string {
  if (keys.length !== values.length) throw new Error(`${keys.length} partition keys but ${values.length} values`);
  return keys.map((key, i) => `${escapePathName(key)}=${escapePathName(values[i]!)}`).join('/');
}

/**
 * An Iceberg table as Iceberg's HiveCatalog (engine.hive disabled) and Trino declare it: an external
 * table whose parameters carry `table_type=ICEBERG` and `metadata_location`, and whose storage
 * descriptor names the placeholder formats (readers go through the metadata, never through these).
 */
export interface IcebergTableSpec {
  database: string;
  table: string;
  /** The schema's columns as Hive names their types, for tools that only read the metastore. */
  columns: HiveColumnSpec[];
  location: string;
  parameters: Record<string, string>;
  owner?: string;
}

const ICEBERG_PLACEHOLDER = {
  serde: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
  input: 'org.apache.hadoop.mapred.FileInputFormat',
  output: 'org.apache.hadoop.mapred.FileOutputFormat',
};

export function icebergTableObject(spec: IcebergTableSpec): ThriftStruct {
  const sd = storageDescriptor(spec.columns, spec.location, ICEBERG_PLACEHOLDER);
  return thriftStruct(
    [Table.tableName, TType.STRING, thriftString(spec.table)],
    [Table.dbName, TType.STRING, thriftString(spec.database)],
    [Table.owner, TType.STRING, spec.owner === undefined ? undefined : thriftString(spec.owner)],
    [Table.createTime, TType.I32, nowSeconds()],
    [Table.lastAccessTime, TType.I32, nowSeconds()],
    [Table.retention, TType.I32, 0x7fffffff],
    [Table.sd, TType.STRUCT, sd],
    [Table.partitionKeys, TType.LIST, fieldSchemas([])],
    [Table.parameters, TType.MAP, stringMap({ EXTERNAL: 'TRUE', ...spec.parameters })],
    [Table.tableType, TType.STRING, thriftString('EXTERNAL_TABLE')],
  );
}

export const tableParameters = (table: ThriftStruct): Record<string, string> =>
  readStringMap(table, Table.parameters) ?? {};

/** The same table with `parameters` set over its own and its columns replaced: every other field is kept as read. */
export function withTableParameters(
  table: ThriftStruct,
  parameters: Record<string, string>,
  columns?: HiveColumnSpec[],
): ThriftStruct {
  const changed = withField(
    table,
    Table.parameters,
    TType.MAP,
    stringMap({ ...tableParameters(table), ...parameters }),
  );
  const sd = readStruct(table, Table.sd);
  if (!columns || !sd) return changed;
  return withField(
    changed,
    Table.sd,
    TType.STRUCT,
    withField(sd, StorageDescriptor.cols, TType.LIST, fieldSchemas(columns)),
  );
}
