import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HiveMetastoreClient } from '../../src/metastore/hive-metastore-client.js';
import { partitionLocation, tableLocation } from '../../src/metastore/hive-metastore-objects.js';
import { ThriftBinaryWriter } from '../../src/metastore/thrift-binary-writer.js';
import { readStruct } from '../../src/metastore/thrift-struct.js';
import { TType, type ThriftMap, type ThriftStruct } from '../../src/metastore/thrift-value.js';
import { HIVE_METASTORE_URL, requireHiveMetastore } from '../helpers/services.js';
import { rejection } from '../helpers/rejection.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

const encode = (struct: ThriftStruct) => {
  const writer = new ThriftBinaryWriter();
  writer.struct(struct);
  return writer.bytes();
};
/** A partition's bytes without its location (field 2 of its storage descriptor, field 6) and parameters (field 7). */
const withoutLocationAndParameters = (partition: ThriftStruct) => {
  const sd = new Map(readStruct(partition, 6));
  sd.delete(2);
  const rest = new Map(partition).set(6, { type: TType.STRUCT, value: sd });
  rest.delete(7);
  return encode(rest);
};
const parameters = (partition: ThriftStruct): Record<string, string> =>
  Object.fromEntries((partition.get(7)!.value as ThriftMap).entries.map(([k, v]) => [String(k), String(v)]));

describe('Hive metastore client on a real metastore', () => {
  const lake = tempDir('gamepipe-hms-');
  const database = uniqueName('gp_hms').replaceAll('-', '_');
  const metastore = new HiveMetastoreClient({ url: HIVE_METASTORE_URL, timeoutMs: 30_000 });
  let created = false;

  after(async () => {
    if (created) await metastore.dropDatabase(database, { cascade: true });
    await metastore.close();
  });

  it('creates a database, an external table and a partition, each idempotently', async (t) => {
    if (!(await requireHiveMetastore(t))) return;
    created = await metastore.createDatabase(database, { owner: 'gamepipe' });
    assert.equal(created, true);
    assert.equal(await metastore.createDatabase(database, { owner: 'gamepipe' }), false);
    const spec = {
      database,
      table: 'events_buy',
      columns: [
        { name: 'item_type', type: 'string' },
        { name: 'price', type: 'bigint' },
      ],
      partitionKeys: [{ name: 'dt', type: 'string' }],
      location: `file://${join(lake, 'events_buy')}`,
    };
    assert.equal(await metastore.createExternalTable(spec), true);
    assert.equal(await metastore.createExternalTable(spec), false);
    const table = await metastore.getTable(database, 'events_buy');
    assert.ok(table);
    assert.equal(tableLocation(table), `file:${join(lake, 'events_buy')}`);
    assert.equal(await metastore.getTable(database, 'events_sell'), undefined);

    const dir = `file://${join(lake, 'events_buy', 'dt=2026-11-28')}`;
    assert.equal(await metastore.addPartition(table, ['2026-11-28'], dir), true);
    assert.equal(await metastore.addPartition(table, ['2026-11-28'], dir), false);
    assert.deepEqual(await metastore.listPartitionNames(database, 'events_buy'), ['dt=2026-11-28']);
    assert.ok(existsSync(join(lake, 'events_buy', 'dt=2026-11-28')), 'the metastore made the partition directory');
  });

  it('switches a partition to another directory in one call, keeping every other field, and the metastore counts the new files', async (t) => {
    if (!(await requireHiveMetastore(t))) return;
    const name = 'dt=2026-11-28';
    const before = await metastore.getPartition(database, 'events_buy', name);
    assert.ok(before);
    const oldDir = partitionLocation(before)!;
    const newDir = `file://${join(lake, 'events_buy', '_gen-1', name)}`;
    mkdirSync(join(lake, 'events_buy', '_gen-1', name), { recursive: true });
    writeFileSync(join(lake, 'events_buy', '_gen-1', name, 'merged.parquet'), Buffer.alloc(1234));

    assert.equal(
      await metastore.switchPartitionLocation(
        database,
        'events_buy',
        name,
        newDir,
        `file://${join(lake, 'events_buy', name)}`,
      ),
      oldDir,
    );

    const afterSwitch = await metastore.getPartition(database, 'events_buy', name);
    assert.ok(afterSwitch);
    assert.equal(partitionLocation(afterSwitch), `file:${join(lake, 'events_buy', '_gen-1', name)}`);
    assert.deepEqual(withoutLocationAndParameters(afterSwitch), withoutLocationAndParameters(before));
    // On a new location the metastore recomputes the partition's file statistics; the rest of its parameters stay.
    assert.deepEqual(parameters(afterSwitch), {
      ...parameters(before),
      numFiles: '1',
      totalSize: '1234',
      numFilesErasureCoded: '0',
    });
    assert.deepEqual(await metastore.listPartitionNames(database, 'events_buy'), [name], 'still one partition');
  });

  it('refuses a switch from a location the partition has left, and changes nothing', async (t) => {
    if (!(await requireHiveMetastore(t))) return;
    const name = 'dt=2026-11-28';
    const current = partitionLocation((await metastore.getPartition(database, 'events_buy', name))!);
    const error = await rejection(
      metastore.switchPartitionLocation(
        database,
        'events_buy',
        name,
        `file://${join(lake, 'elsewhere')}`,
        `file://${join(lake, 'events_buy', name)}`,
      ),
    );
    assert.equal(error.code, 'METASTORE_ERROR');
    assert.match(error.message, /is at .*_gen-1.* left as it is/);
    assert.equal(partitionLocation((await metastore.getPartition(database, 'events_buy', name))!), current);
  });

  it("reports the metastore's own exceptions in one line", async (t) => {
    if (!(await requireHiveMetastore(t))) return;
    const partition = (await metastore.getPartition(database, 'events_buy', 'dt=2026-11-28'))!;
    const error = await rejection(metastore.alterPartition(database, 'no_such_table', partition));
    assert.equal(error.code, 'METASTORE_ERROR');
    assert.match(error.message, /^alter_partition: InvalidOperationException: .*does not exist/);
    assert.equal(
      error.engineErrorName,
      'InvalidOperationException',
      "the metastore's exception, for callers to branch on",
    );
    assert.doesNotMatch(error.message, /\n/);
  });

  it('drops partitions and tables from the metastore only, leaving their files', async (t) => {
    if (!(await requireHiveMetastore(t))) return;
    assert.equal(await metastore.dropPartition(database, 'events_buy', 'dt=2026-11-28'), true);
    assert.equal(await metastore.dropPartition(database, 'events_buy', 'dt=2026-11-28'), false);
    assert.equal(await metastore.dropTable(database, 'events_buy'), true);
    assert.equal(await metastore.dropTable(database, 'events_buy'), false);
    assert.ok(existsSync(join(lake, 'events_buy', 'dt=2026-11-28')));
  });
});
