import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { HiveMetastoreClient } from '../../src/metastore/hive-metastore-client.js';
import { PrestoQueryEngine } from '../../src/sql/engines/presto-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import {
  HIVE_METASTORE_URL,
  requireHiveMetastore,
  requireTrinoOnHiveMetastore,
  TRINO_ON_HIVE_METASTORE_URL,
} from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

const FILES = 5;
const ROWS_PER_FILE = 2000;
const TOTAL = FILES * ROWS_PER_FILE;

async function duckdb(sql: string[]): Promise<void> {
  const instance = await DuckDBInstance.create();
  const connection = await instance.connect();
  try {
    for (const statement of sql) await connection.run(statement);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The Trino to count with: skipped while GAMEPIPE_TEST_TRINO_HMS_URL is unset (opt-in), required once it is set. */
async function requireTrinoOnMetastore(t: TestContext): Promise<string | undefined> {
  if (!TRINO_ON_HIVE_METASTORE_URL) {
    t.skip('set GAMEPIPE_TEST_TRINO_HMS_URL to a Trino whose hive catalog uses the test metastore');
    return undefined;
  }
  return (await requireHiveMetastore(t)) && (await requireTrinoOnHiveMetastore(t))
    ? TRINO_ON_HIVE_METASTORE_URL
    : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('switching a partition to its compacted directory in the metastore', () => {
  const lake = tempDir('gamepipe-switch-');
  const schema = uniqueName('gp_switch').replaceAll('-', '_');
  const metastore = new HiveMetastoreClient({ url: HIVE_METASTORE_URL });
  let created = false;
  after(async () => {
    if (created) await metastore.dropDatabase(schema, { cascade: true });
    await metastore.close();
  });

  it('never lets a Trino count(*) running through the switches see a row twice or miss one', async (t) => {
    const trinoUrl = await requireTrinoOnMetastore(t);
    if (!trinoUrl) return;
    const small = join(lake, 'events_buy', 'dt=2026-11-28');
    const compacted = join(lake, 'events_buy', '_gen-1', 'dt=2026-11-28');
    mkdirSync(small, { recursive: true });
    mkdirSync(compacted, { recursive: true });
    // The writers' small files, then compaction's one file of the same rows in a new directory.
    await duckdb([
      ...Array.from(
        { length: FILES },
        (_, f) =>
          `COPY (SELECT CASE WHEN i % 3 = 0 THEN 'sword' ELSE 'shield' END AS item_type, i AS price FROM range(${f * ROWS_PER_FILE}, ${(f + 1) * ROWS_PER_FILE}) r(i)) TO '${small}/events+0+${f}.parquet' (FORMAT PARQUET)`,
      ),
      `COPY (SELECT * FROM read_parquet('${small}/*.parquet')) TO '${compacted}/events+merged.parquet' (FORMAT PARQUET)`,
    ]);
    created = await metastore.createDatabase(schema);
    await metastore.createExternalTable({
      database: schema,
      table: 'events_buy',
      columns: [
        { name: 'item_type', type: 'string' },
        { name: 'price', type: 'bigint' },
      ],
      partitionKeys: [{ name: 'dt', type: 'string' }],
      location: `file://${join(lake, 'events_buy')}`,
    });
    await metastore.addPartition((await metastore.getTable(schema, 'events_buy'))!, ['2026-11-28'], `file://${small}`);

    const trino = new PrestoQueryEngine({ engine: 'trino', url: trinoUrl, user: 'gamepipe-test', schema });
    try {
      const countSql = `SELECT count(*), count(DISTINCT "$path") FROM events_buy WHERE dt = '2026-11-28'`;
      const observations: { rows: number; files: number }[] = [];
      let switching = true;
      let readerFailed = false;
      const reader = (async () => {
        while (switching) {
          const [[rows, files]] = (await queryAll(trino, countSql)).rows as [[number, number]];
          observations.push({ rows: Number(rows), files: Number(files) });
        }
      })().catch((error: unknown) => {
        readerFailed = true;
        throw error;
      });
      // Back and forth, each switch landing part-way through a count; the old files stay (the grace period).
      const locations = [`file://${compacted}`, `file://${small}`];
      const SWITCHES = 7;
      for (let n = 0; n < SWITCHES; n++) {
        const seen = observations.length;
        const started = Date.now();
        while (!readerFailed && observations.length === seen) await sleep(20);
        await sleep(Math.random() * (Date.now() - started));
        await metastore.switchPartitionLocation(
          schema,
          'events_buy',
          'dt=2026-11-28',
          locations[n % 2]!,
          locations[(n + 1) % 2],
        );
      }
      // Until Trino has read the compacted directory at least once after the last switch.
      const settled = observations.length;
      const deadline = Date.now() + 60_000;
      while (!readerFailed && Date.now() < deadline && !observations.slice(settled).some((o) => o.files === 1))
        await sleep(50);
      switching = false;
      await reader;

      t.diagnostic(
        `${observations.length} counts: ${observations.filter((o) => o.files === FILES).length} over the small files, ${observations.filter((o) => o.files === 1).length} over the compacted one`,
      );
      assert.ok(
        observations.slice(settled).some((o) => o.files === 1),
        'Trino reads the compacted directory after the last switch',
      );
      assert.ok(
        observations.some((o) => o.files === FILES),
        'Trino read the small files too',
      );
      assert.deepEqual(
        observations.filter((o) => o.rows !== TOTAL || (o.files !== FILES && o.files !== 1)),
        [],
        `every count is ${TOTAL}, from one generation`,
      );
    } finally {
      await trino.close();
    }
  });
});
