import { GamepipeError } from '../errors.js';
import { normalLocation } from './normal-location.js';
import { metastoreError } from './metastore-errors.js';
import {
  databaseObject,
  externalParquetTableObject,
  partitionKeyNames,
  partitionLocation,
  partitionName,
  partitionObject,
  relocatedPartition,
  type ExternalTableSpec,
} from './hive-metastore-objects.js';
import { ThriftConnection } from './thrift-connection.js';
import { readString, readStruct, stringMap, thriftString, thriftStruct } from './thrift-struct.js';
import { TType, type ThriftField, type ThriftList, type ThriftStruct, type ThriftValue } from './thrift-value.js';

export interface HiveMetastoreClientOptions {
  /** `thrift://host:port`; a Hive metastore listens on 9083 by default. */
  url: string;
  /** For connecting and for each call; default 60 s. */
  timeoutMs?: number;
  /** TFramedTransport; default false (a metastore's default is the plain, buffered socket). */
  framed?: boolean;
}

/** The exceptions each call declares, by result field id (field 0 is the value). */
type Declared = Record<number, string>;
const META = 'MetaException';
const NO_SUCH = 'NoSuchObjectException';
const EXISTS = 'AlreadyExistsException';
const INVALID = 'InvalidObjectException';
const INVALID_OP = 'InvalidOperationException';

const sameLocation = (a: string, b: string) => normalLocation(a) === normalLocation(b);

/** What a call returned: its value, or the declared exception the server raised. */
type Outcome = { value: ThriftField | undefined; exception?: undefined } | { exception: string; message: string };

const str = (text: string): [TType, ThriftValue] => [TType.STRING, thriftString(text)];
/** A call's arguments struct: the IDL numbers them 1, 2, 3... in order. */
const args = (...fields: [TType, ThriftValue][]) =>
  thriftStruct(...fields.map(([type, value], i): [number, TType, ThriftValue] => [i + 1, type, value]));

/**
 * A Hive metastore over Thrift (TBinaryProtocol), without generated code: objects are read as
 * field-id trees and written back as read, so a partition fetched, relocated and altered keeps
 * every field this client does not know. Errors: METASTORE_UNAVAILABLE (retriable) when the
 * server cannot be reached or stops answering, METASTORE_ERROR with the server's exception in one
 * line otherwise. Lookups answer undefined for a missing object; creates answer false when it
 * already existed (so they are idempotent); nothing is retried here.
 */
export class HiveMetastoreClient {
  private readonly connection: ThriftConnection;

  constructor(readonly options: HiveMetastoreClientOptions) {
    const url = URL.canParse(options.url) ? new URL(options.url) : undefined;
    if (url?.protocol !== 'thrift:' || !url.hostname) {
      throw new GamepipeError('CONFIG_INVALID', `a Hive metastore URL is thrift://host:port, not ${options.url}`, {
        hint: 'e.g. thrift://127.0.0.1:9083',
      });
    }
    this.connection = new ThriftConnection({
      host: url.hostname,
      port: Number(url.port || 9083),
      url: options.url,
      timeoutMs: options.timeoutMs ?? 60_000,
      framed: options.framed ?? false,
      maxReplyBytes: 256 * 1024 * 1024,
    });
  }

  private async invoke(method: string, callArgs: ThriftStruct, declared: Declared): Promise<Outcome> {
    const reply = await this.connection.call(method, callArgs);
    if (reply.kind === 'exception')
      throw metastoreError(method, 'TApplicationException', readString(reply.body, 1) ?? '');
    for (const [id, field] of reply.body) {
      if (id === 0) continue;
      const exception = declared[id] ?? `exception #${id}`;
      return {
        exception,
        message: field.type === TType.STRUCT ? (readString(field.value as ThriftStruct, 1) ?? '') : '',
      };
    }
    return { value: reply.body.get(0) };
  }

  /** The call's value; a declared exception named in `tolerated` gives undefined, any other throws. */
  private async value(
    method: string,
    callArgs: ThriftStruct,
    declared: Declared,
    tolerated?: string,
  ): Promise<ThriftField | undefined> {
    const outcome = await this.invoke(method, callArgs, declared);
    if (outcome.exception === undefined) return outcome.value;
    if (outcome.exception === tolerated) return undefined;
    throw metastoreError(method, outcome.exception, outcome.message);
  }

  private async object(method: string, callArgs: ThriftStruct, declared: Declared): Promise<ThriftStruct | undefined> {
    return (await this.value(method, callArgs, declared, NO_SUCH))?.value as ThriftStruct | undefined;
  }

  /** Runs a create or a drop: true when it did it, false when the server raised `nothingToDo` (already there, or already gone). */
  private async done(
    method: string,
    callArgs: ThriftStruct,
    declared: Declared,
    nothingToDo: string,
  ): Promise<boolean> {
    const outcome = await this.invoke(method, callArgs, declared);
    if (outcome.exception === nothingToDo) return false;
    if (outcome.exception !== undefined) throw metastoreError(method, outcome.exception, outcome.message);
    return true;
  }

  getDatabase(name: string): Promise<ThriftStruct | undefined> {
    return this.object('get_database', args(str(name)), { 1: NO_SUCH, 2: META });
  }

  createDatabase(name: string, options: { location?: string; owner?: string } = {}): Promise<boolean> {
    return this.done(
      'create_database',
      args([TType.STRUCT, databaseObject(name, options)]),
      { 1: EXISTS, 2: INVALID, 3: META },
      EXISTS,
    );
  }

  /** Drops the database and, with `cascade`, its tables; external tables' files stay. */
  dropDatabase(name: string, options: { cascade?: boolean } = {}): Promise<boolean> {
    return this.done(
      'drop_database',
      args(str(name), [TType.BOOL, false], [TType.BOOL, options.cascade ?? false]),
      { 1: NO_SUCH, 2: INVALID_OP, 3: META },
      NO_SUCH,
    );
  }

  async getTable(database: string, table: string): Promise<ThriftStruct | undefined> {
    // get_table_req (Hive 3+): Hive 4 removed the older get_table.
    const request = thriftStruct([1, ...str(database)], [2, ...str(table)]);
    const result = await this.object('get_table_req', args([TType.STRUCT, request]), { 1: META, 2: NO_SUCH });
    return result && readStruct(result, 1);
  }

  createExternalTable(spec: ExternalTableSpec): Promise<boolean> {
    return this.done(
      'create_table',
      args([TType.STRUCT, externalParquetTableObject(spec)]),
      { 1: EXISTS, 2: INVALID, 3: META, 4: NO_SUCH },
      EXISTS,
    );
  }

  /** Declares `table` (a Table struct, e.g. from icebergTableObject) as it is; false when a table of that name exists. */
  createTable(table: ThriftStruct): Promise<boolean> {
    return this.done(
      'create_table',
      args([TType.STRUCT, table]),
      { 1: EXISTS, 2: INVALID, 3: META, 4: NO_SUCH },
      EXISTS,
    );
  }

  /**
   * Replaces a table's metadata with `table` (as read by getTable, then changed) in one metastore
   * transaction, passing `environment` as its EnvironmentContext. Hive 4 metastores with direct SQL
   * honour `expected_parameter_key`/`expected_parameter_value` there: the change applies only while
   * that parameter still has that value, else a MetaException says "The table has been modified".
   */
  async alterTableWithEnvironment(
    database: string,
    table: string,
    newTable: ThriftStruct,
    environment: Record<string, string>,
  ): Promise<void> {
    const context = thriftStruct([1, TType.MAP, stringMap(environment)]);
    await this.value(
      'alter_table_with_environment_context',
      args(str(database), str(table), [TType.STRUCT, newTable], [TType.STRUCT, context]),
      { 1: INVALID_OP, 2: META },
    );
  }

  /** Drops the table from the metastore; its files are never deleted. False when there was no such table. */
  dropTable(database: string, table: string): Promise<boolean> {
    return this.done(
      'drop_table',
      args(str(database), str(table), [TType.BOOL, false]),
      { 1: NO_SUCH, 2: META },
      NO_SUCH,
    );
  }

  /** The table's partition names (`dt=2026-11-28`), all of them. */
  async listPartitionNames(database: string, table: string): Promise<string[]> {
    const names = await this.value('get_partition_names', args(str(database), str(table), [TType.I16, -1]), {
      1: NO_SUCH,
      2: META,
    });
    return ((names?.value as ThriftList | undefined)?.items ?? []).map(String);
  }

  getPartition(database: string, table: string, name: string): Promise<ThriftStruct | undefined> {
    return this.object('get_partition_by_name', args(str(database), str(table), str(name)), { 1: META, 2: NO_SUCH });
  }

  /** Declares a partition of `table` (as read by getTable) at `location`; false when it was already declared. */
  addPartition(table: ThriftStruct, values: string[], location: string): Promise<boolean> {
    return this.done(
      'add_partition',
      args([TType.STRUCT, partitionObject(table, values, location)]),
      { 1: INVALID, 2: EXISTS, 3: META },
      EXISTS,
    );
  }

  /** Replaces a partition's metadata with `partition` (as read by getPartition, then changed), in one metastore transaction. */
  async alterPartition(database: string, table: string, partition: ThriftStruct): Promise<void> {
    await this.value('alter_partition', args(str(database), str(table), [TType.STRUCT, partition]), {
      1: INVALID_OP,
      2: META,
    });
  }

  /**
   * Points a partition at another directory in one `alter_partition` call: a reader that plans a
   * query sees either the old location or the new one, never both. With `expected`, refuses (and
   * changes nothing) when the partition is not at that location any more, so two compactors cannot
   * both switch from the same files unseen. Answers the location it replaced.
   */
  async switchPartitionLocation(
    database: string,
    table: string,
    name: string,
    location: string,
    expected?: string,
  ): Promise<string> {
    const partition = await this.getPartition(database, table, name);
    if (!partition)
      throw metastoreError('get_partition_by_name', NO_SUCH, `${database}.${table} has no partition ${name}`);
    const previous = partitionLocation(partition) ?? '';
    if (expected !== undefined && !sameLocation(previous, expected)) {
      throw metastoreError(
        'alter_partition',
        'LocationChanged',
        `${database}.${table} ${name} is at ${previous}, not at ${expected}: left as it is`,
      );
    }
    await this.alterPartition(database, table, relocatedPartition(partition, location));
    return previous;
  }

  /** Drops a partition from the metastore, never its files; false when there was no such partition. */
  async dropPartition(database: string, table: string, name: string): Promise<boolean> {
    const dropped = await this.value(
      'drop_partition_by_name',
      args(str(database), str(table), str(name), [TType.BOOL, false]),
      { 1: NO_SUCH, 2: META },
      NO_SUCH,
    );
    return dropped?.value === true;
  }

  /** The partition name of these values of `table`'s partition keys, escaped as Hive does. */
  partitionName(table: ThriftStruct, values: string[]): string {
    return partitionName(partitionKeyNames(table), values);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
