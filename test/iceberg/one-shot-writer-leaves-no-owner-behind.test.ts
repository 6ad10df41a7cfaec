import assert from 'node:assert/strict';
import { it } from 'node:test';
import { deploymentOf } from '../../src/config/deployment.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { IcebergTable } from '../../src/iceberg/iceberg-table.js';
import { LakeIcebergCatalog } from '../../src/iceberg/lake-iceberg-catalog.js';
import { openLakeStorage } from '../../src/lake/storage/open-lake-storage.js';
import { declareLakeTables } from '../../src/sql/declare-lake-tables.js';
import { allTableSpecs } from '../../src/sql/lake-tables.js';
import { openTableRegistry } from '../../src/sql/open-query-engine.js';
import { collectStatus } from '../../src/status/collect-status.js';
import { StreamWriter } from '../../src/streaming/stream-writer.js';
import { sampleEvent, sampleRecords } from '../helpers/events.js';
import { localLake } from '../helpers/lake-query.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testConfig } from '../report/simulated-lake.js';

/** `n` purchases (`sampleEvent(i)` is a buy when i % 5 is 0). */
const purchases = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const event = sampleEvent(i * 5);
    return { key: event.username as string, value: JSON.stringify(event) };
  });

/** How many snapshots each table has. */
async function snapshotCounts(dataDir: string): Promise<Record<string, number>> {
  const storage = localLake(dataDir);
  const catalog = new LakeIcebergCatalog({ storage });
  const counts: Record<string, number> = {};
  for (const spec of allTableSpecs) {
    const ident = { database: 'default', table: spec.table };
    const table = await IcebergTable.open({ storage, catalog, ident, dir: spec.table });
    counts[spec.table] = table?.metadata.snapshots.length ?? 0;
  }
  return counts;
}

it("a one-shot writer on Iceberg tables leaves every owner at the log's end: the unrouted dead letters and tables idle in its last batches too", async () => {
  const dataDir = tempDir();
  const config = testConfig(dataDir, { tableFormat: 'iceberg' });
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  // A record no table takes (an unrouted dead letter), every table's events, then purchases only:
  // in its last batches only events_buy gets rows.
  await log.append([{ key: null, value: 'not json' }, ...sampleRecords(39), ...purchases(60)]);
  await log.close();
  const storage = await openLakeStorage(config);
  const registry = await openTableRegistry(config, storage);
  await declareLakeTables(config, registry, storage, allTableSpecs);
  await registry.close();
  await storage.close();

  // Batches of 20 records, all within a minute: the writer's own once-a-minute records alone do not reach the end.
  const writer = await StreamWriter.open(config, {
    deployment: deploymentOf(config),
    triggerMs: 250,
    target: 'all',
    once: true,
    maxBatchRecords: 20,
    maxFileRows: 1_000_000,
    parquetWriter: 'duckdb',
    onProgress: () => undefined,
  });
  try {
    await writer.run();
  } finally {
    await writer.close();
  }

  const status = await collectStatus(config);
  assert.deepEqual(status.log.endOffsets, { 0: 100 });
  assert.deepEqual(
    status.writers.map((w) => [w.owner, w.position, w.lag]),
    [
      ['buy', { 0: 100 }, 0],
      ['guild', { 0: 100 }, 0],
      ['user', { 0: 100 }, 0],
      ['unrouted', { 0: 100 }, 0],
    ],
    'status says no owner is behind',
  );
  // Bounded: five batches make at most one snapshot each per table, plus the writer's last record of the idle ones.
  const snapshots = await snapshotCounts(dataDir);
  for (const [table, count] of Object.entries(snapshots)) assert.ok(count <= 6, `${table}: ${count} snapshots`);
});
