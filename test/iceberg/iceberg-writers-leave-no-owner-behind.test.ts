import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../src/config/config-fields.js';
import { deploymentOf } from '../../src/config/deployment.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { IcebergTable } from '../../src/iceberg/iceberg-table.js';
import { LakeIcebergCatalog } from '../../src/iceberg/lake-iceberg-catalog.js';
import { IcebergTableFormat } from '../../src/iceberg/write/iceberg-table-format.js';
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

/**
 * A data dir whose log holds a record no table takes (an unrouted dead letter), then every table's
 * events, then purchases only (in the last batches only events_buy gets rows): 100 records, and the
 * Iceberg tables declared.
 */
async function logToLand(): Promise<Config> {
  const dataDir = tempDir();
  const config = testConfig(dataDir, { tableFormat: 'iceberg' });
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  await log.append([{ key: null, value: 'not json' }, ...sampleRecords(39), ...purchases(60)]);
  await log.close();
  const storage = await openLakeStorage(config);
  const registry = await openTableRegistry(config, storage);
  await declareLakeTables(config, registry, storage, allTableSpecs);
  await registry.close();
  await storage.close();
  return config;
}

/** The `all` writer in batches of 20 records (five batches, all within a minute), its tables' clock `now`. */
const openWriter = (config: Config, once: boolean, now = Date.now) =>
  StreamWriter.open(config, {
    deployment: deploymentOf(config),
    triggerMs: 250,
    target: 'all',
    once,
    maxBatchRecords: 20,
    maxFileRows: 1_000_000,
    parquetWriter: 'duckdb',
    onProgress: () => undefined,
    tableFormat: async ({ storage, scratch, target, parquet, compaction }) =>
      new IcebergTableFormat({
        storage,
        catalog: new LakeIcebergCatalog({ storage }),
        database: config.schema,
        writer: target,
        scratch,
        compaction: { parquet, policy: compaction },
        now,
      }),
  });

/** Each owner's position and lag, as `gamepipe status` says them. */
async function ownersBehind(config: Config): Promise<unknown[][]> {
  const status = await collectStatus(config);
  assert.deepEqual(status.log.endOffsets, { 0: 100 });
  return status.writers.map((w) => [w.owner, w.position[0], w.lag]);
}

const allAtTheEnd = [
  ['buy', 100, 0],
  ['guild', 100, 0],
  ['user', 100, 0],
  ['unrouted', 100, 0],
];

describe('Iceberg writers leave no owner behind', () => {
  it("a one-shot writer leaves every owner at the log's end: the unrouted dead letters and tables idle in its last batches too", async () => {
    const config = await logToLand();
    const writer = await openWriter(config, true);
    try {
      await writer.run();
    } finally {
      await writer.close();
    }
    assert.deepEqual(await ownersBehind(config), allAtTheEnd, 'status says no owner is behind');
    // Bounded: five batches make at most one snapshot each per table, plus the writer's last record of the idle ones.
    const snapshots = await snapshotCounts(config.dataDir);
    for (const [table, count] of Object.entries(snapshots)) assert.ok(count <= 6, `${table}: ${count} snapshots`);
  });

  it('a running writer that caught up records what it held back, once its minute is over', async () => {
    const config = await logToLand();
    let skew = 0;
    const writer = await openWriter(config, false, () => Date.now() + skew);
    const running = writer.run();
    try {
      const until = async (what: string, holds: (owners: unknown[][]) => boolean) => {
        const deadline = Date.now() + 30_000;
        let owners = await ownersBehind(config);
        while (!holds(owners) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          owners = await ownersBehind(config);
        }
        assert.ok(holds(owners), `${what}: ${JSON.stringify(owners)}`);
        return owners;
      };
      const landed = await until('the purchases landed', (owners) => owners[0]![1] === 100);
      const [, unrouted, lag] = landed[3]!;
      assert.ok(
        (unrouted as number) < 100 && lag === 100 - (unrouted as number),
        `unrouted, with no row since its first batches, held back within the minute: ${landed[3]}`,
      );
      skew += 61_000;
      await until(
        'caught up a minute on, every owner recorded',
        (owners) => JSON.stringify(owners) === JSON.stringify(allAtTheEnd),
      );
    } finally {
      writer.stop();
      await running;
      await writer.close();
    }
  });
});
