import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { tableSpecs } from '../../src/events/tables.js';
import { HiveIcebergCatalog } from '../../src/iceberg/hive-iceberg-catalog.js';
import { IcebergTable } from '../../src/iceberg/iceberg-table.js';
import { LakeIcebergCatalog, VERSION_HINT } from '../../src/iceberg/lake-iceberg-catalog.js';
import { MemoryIcebergCatalog } from '../../src/iceberg/memory-iceberg-catalog.js';
import { openIcebergCatalog } from '../../src/iceberg/open-iceberg-catalog.js';
import { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { S3LakeStorage } from '../../src/lake/storage/s3/s3-lake-storage.js';
import { HiveMetastoreClient } from '../../src/metastore/hive-metastore-client.js';
import { hdfsLake } from '../helpers/hdfs-lake.js';
import { HIVE_METASTORE_URL, requireHdfs, requireHiveMetastore } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { freshS3Lake, requireS3, runPrefix, S3_BUCKET, S3_ENDPOINT } from '../lake/s3-test-server.js';
import { type CatalogUnderTest, runIcebergCatalogContract } from './iceberg-catalog-contract.js';

const buy = tableSpecs.find((t) => t.name === 'buy')!;
const sameDir = (table: string) => table;

runIcebergCatalogContract('memory', async () => ({
  catalog: new MemoryIcebergCatalog(),
  storage: new MemoryLakeStorage(),
  database: 'default',
  dir: sameDir,
  close: async () => {},
}));

const localRoot = tempDir('gamepipe-iceberg-catalog-');
runIcebergCatalogContract('the lake catalog on a local directory', async () => {
  const storage = new LocalLakeStorage(localRoot);
  return {
    catalog: new LakeIcebergCatalog({ storage }),
    storage,
    database: 'default',
    dir: sameDir,
    close: () => storage.close(),
  };
});

const hdfs = hdfsLake('iceberg-catalog');
runIcebergCatalogContract(
  'the lake catalog on HDFS',
  async () => {
    const storage = await hdfs.open();
    return {
      catalog: new LakeIcebergCatalog({ storage }),
      storage,
      database: 'default',
      dir: sameDir,
      close: () => storage.close(),
    };
  },
  (t) => requireHdfs(t as never),
);

after(async () => {
  if (!(await requireS3({ skip: () => undefined }))) return;
  const all = new S3LakeStorage({ location: { bucket: S3_BUCKET, prefix: 'gamepipe-tests' }, endpoint: S3_ENDPOINT });
  await all.delete(runPrefix, { recursive: true });
  await all.close();
});
runIcebergCatalogContract(
  'the lake catalog on S3 (S3Mock)',
  async () => {
    const storage = freshS3Lake();
    return {
      catalog: new LakeIcebergCatalog({ storage }),
      storage,
      database: 'default',
      dir: sameDir,
      close: () => storage.close(),
    };
  },
  (t) => requireS3(t),
  // Measured: of 20 rounds of 4 racing `create`s of one key on S3Mock 4.8, 10 had more than one winner.
  // AWS S3 (and MinIO, R2) apply If-None-Match atomically; the fence is the store's, as for every S3 commit.
  'S3Mock applies If-None-Match without atomicity under concurrent PUTs, so racing commits are not fenced there',
);

// The Hive metastore: one database for this file, its tables on the test HDFS (as Trino reads them).
const hiveDatabase = uniqueName('gp_catalog').replace(/\W/g, '_');
const hiveLake = hdfsLake('iceberg-hive-catalog');
let hiveDatabaseMade = false;
after(async () => {
  if (!hiveDatabaseMade) return;
  const client = new HiveMetastoreClient({ url: HIVE_METASTORE_URL });
  await client.dropDatabase(hiveDatabase, { cascade: true }).catch(() => false);
  await client.close();
});
runIcebergCatalogContract(
  'the Hive metastore',
  async (): Promise<CatalogUnderTest> => {
    const storage = await hiveLake.open();
    if (!hiveDatabaseMade) {
      const client = new HiveMetastoreClient({ url: HIVE_METASTORE_URL });
      await client.createDatabase(hiveDatabase, { location: `${hiveLake.uri}/${hiveDatabase}.db` });
      await client.close();
      hiveDatabaseMade = true;
    }
    const catalog = HiveIcebergCatalog.open(HIVE_METASTORE_URL);
    return {
      catalog,
      storage,
      database: hiveDatabase,
      dir: (table) => `${hiveDatabase}.db/${table}`,
      close: async () => {
        await catalog.close();
        await storage.close();
      },
    };
  },
  async (t) => (await requireHdfs(t as never)) && (await requireHiveMetastore(t as never)),
);

describe('the lake catalog as Iceberg file-system tables lay it out', () => {
  it('names versions v1, v2, … with a version hint, and finds the newest when the hint is gone or behind', async () => {
    const storage = new MemoryLakeStorage();
    const catalog = openIcebergCatalog({ storage });
    assert.ok(catalog instanceof LakeIcebergCatalog);
    const options = { storage, catalog, ident: { database: 'default', table: 'events_buy' }, dir: 'events_buy' };
    const table = await IcebergTable.create(options, buy);
    await storage.create('events_buy/data/dt=2026-12-07/a.parquet', Buffer.alloc(8));
    await table.append([
      {
        path: 'events_buy/data/dt=2026-12-07/a.parquet',
        sizeBytes: 8,
        recordCount: 4,
        partition: { dt: '2026-12-07' },
      },
    ]);
    await table.append([]);
    assert.match(table.metadataLocation, /\/events_buy\/metadata\/v3\.metadata\.json$/);
    const names = (await storage.list('events_buy/metadata')).map((e) => e.name).filter((n) => n.endsWith('.json'));
    // Every staged metadata file became a version: none is left under its staged name.
    assert.deepEqual(names.sort(), ['v1.metadata.json', 'v2.metadata.json', 'v3.metadata.json']);
    assert.equal((await storage.read(`events_buy/metadata/${VERSION_HINT}`))?.toString(), '3');
    const reader = (await IcebergTable.open(options))!;
    assert.deepEqual(
      reader.metadata['metadata-log'].map((e) => e['metadata-file'].replace(/.*\//, '')),
      ['v1.metadata.json', 'v2.metadata.json'],
    );

    await storage.replace(`events_buy/metadata/${VERSION_HINT}`, Buffer.from('1'));
    assert.match((await catalog.currentLocation(options.ident))!, /v3\.metadata\.json$/);
    await storage.delete(`events_buy/metadata/${VERSION_HINT}`);
    assert.match((await catalog.currentLocation(options.ident))!, /v3\.metadata\.json$/);
    await storage.replace(`events_buy/metadata/${VERSION_HINT}`, Buffer.from('garbage'));
    assert.match((await catalog.currentLocation(options.ident))!, /v3\.metadata\.json$/);
  });

  it('deletes versions that fell out of the metadata log, but never the one a lagging hint names', async () => {
    const storage = new MemoryLakeStorage();
    const catalog = new LakeIcebergCatalog({ storage });
    const options = { storage, catalog, ident: { database: 'default', table: 'events_buy' }, dir: 'events_buy' };
    const table = await IcebergTable.create(options, buy);
    await table.update((base) => ({
      ...base,
      properties: { ...base.properties, 'write.metadata.previous-versions-max': '1' },
    }));
    const versions = async () =>
      (await storage.list('events_buy/metadata'))
        .map((e) => e.name)
        .filter((n) => n.endsWith('.metadata.json'))
        .sort();
    await table.append([]);
    assert.deepEqual(await versions(), ['v2.metadata.json', 'v3.metadata.json']);
    // The hint's rewrites fail for v4 to v6: it still says 3, and Java reads v3 then probes v4, v5, …
    // so every version from the hint on stays while it lags.
    storage.failNext(['replace'], { times: 3, when: (path) => path.endsWith(VERSION_HINT) });
    for (let i = 0; i < 3; i++) await table.append([]);
    assert.equal((await storage.read(`events_buy/metadata/${VERSION_HINT}`))?.toString(), '3');
    assert.deepEqual(await versions(), [
      'v3.metadata.json',
      'v4.metadata.json',
      'v5.metadata.json',
      'v6.metadata.json',
    ]);
    // Once the hint is rewritten, versions out of the log go again (v3 and v4, out of it already, are
    // orphans for tables maintain).
    await table.append([]);
    await table.append([]);
    assert.equal((await storage.read(`events_buy/metadata/${VERSION_HINT}`))?.toString(), '8');
    assert.deepEqual(await versions(), [
      'v3.metadata.json',
      'v4.metadata.json',
      'v7.metadata.json',
      'v8.metadata.json',
    ]);
  });

  it('uses the Hive metastore when the deployment names one', () => {
    const catalog = openIcebergCatalog({ metastoreUrl: 'thrift://127.0.0.1:1', storage: new MemoryLakeStorage() });
    assert.ok(catalog instanceof HiveIcebergCatalog);
    void catalog.close();
  });
});
