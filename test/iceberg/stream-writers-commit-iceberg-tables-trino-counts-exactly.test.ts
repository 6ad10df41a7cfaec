import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { HiveMetastoreClient } from '../../src/metastore/hive-metastore-client.js';
import type { PrestoQueryEngine } from '../../src/sql/engines/presto-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { gamepipe, gamepipeInBackground } from '../helpers/cli.js';
import { sampleRecords } from '../helpers/events.js';
import { hdfsLake } from '../helpers/hdfs-lake.js';
import { HIVE_METASTORE_URL, TRINO_URL } from '../helpers/services.js';
import { killStreamMidBatch } from '../helpers/stream-process.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { trinoOnIceberg } from '../helpers/trino-iceberg.js';
import type { EventTrace } from '../../src/verify/trace-event.js';
import { discrepancies, type VerifyReport } from '../../src/verify/verify-report.js';

// 3 of every 5 sample events are purchases, 1 a guild join, 1 a login.
const EVENTS = 4_000;
const BUYS = (EVENTS * 3) / 5;

describe('stream writers commit Iceberg tables in the metastore that Trino counts exactly', () => {
  const schema = uniqueName('gp_icew').replace(/\W/g, '_');
  const lake = hdfsLake('icew');
  const dataDir = tempDir();
  const flags = [
    '--data-dir',
    dataDir,
    ...lake.flags,
    '--table-format',
    'iceberg',
    '--metastore-url',
    HIVE_METASTORE_URL,
    '--trino-url',
    TRINO_URL,
    '--schema',
    schema,
  ];
  let trino: PrestoQueryEngine;
  let ready = false;
  let skipReason = 'services absent';

  before(async () => {
    const opened = await trinoOnIceberg(schema);
    if ('skip' in opened) return void (skipReason = opened.skip);
    trino = opened.trino;
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    await log.append(sampleRecords(EVENTS));
    await log.close();
    ready = true;
  });

  after(async () => {
    if (!ready) return;
    const metastore = new HiveMetastoreClient({ url: HIVE_METASTORE_URL });
    await metastore.dropDatabase(schema, { cascade: true }).catch(() => false);
    await metastore.close();
  });

  const one = async (sql: string) => (await queryAll(trino, sql)).rows[0]!.map(Number);

  /**
   * gamepipe's own readers on this deployment (HDFS, the metastore's catalog): verify reconciles
   * the log with the current snapshots, counting no file the killed writers left unreferenced and
   * naming only the rows Trino's INSERT copied (at gamepipe rows' log positions) as held twice;
   * trace finds an event in the file Trino reads it from.
   */
  async function gamepipesReadersAgree(trinoRows: number): Promise<void> {
    const verified = gamepipe(['verify', '--json', '--port', '1', ...flags]);
    assert.equal(verified.status, 3, verified.stderr);
    const report = JSON.parse(verified.stdout) as VerifyReport;
    const wrong = discrepancies(report);
    assert.deepEqual([...new Set(wrong.map((f) => f.kind))], ['duplicate'], JSON.stringify(wrong));
    const doubled = wrong.map((f) => Number(/^(\d+) events? held more than once/.exec(f.what)![1]));
    assert.equal(
      doubled.reduce((a, b) => a + b, 0),
      trinoRows,
      JSON.stringify(wrong),
    );
    const buys = report.tallies.find((t) => t.eventType === 'buy_item')!;
    assert.deepEqual([buys.log, buys.committed, buys.lake, buys.pending], [BUYS, BUYS, BUYS + trinoRows, 0]);
    const [eventId, path] = (
      await queryAll(
        trino,
        `SELECT event_id, "$path" FROM events_buy WHERE event_id NOT LIKE 'trino-%' ORDER BY log_offset DESC LIMIT 1`,
      )
    ).rows[0]!.map(String);
    const traced = gamepipe(['trace', eventId!, '--json', ...flags]);
    assert.equal(traced.status, 0, traced.stderr);
    const { stage, file } = JSON.parse(traced.stdout) as EventTrace;
    assert.equal(stage, 'lake');
    assert.equal(`${lake.uri}/${file!.path}`, path);
  }

  it('tables create makes the Iceberg tables once, and refuses Presto in one line changing nothing', async (t) => {
    if (!ready) return t.skip(skipReason);
    const presto = gamepipe([
      'tables',
      'create',
      'all',
      ...flags.filter((f) => f !== TRINO_URL && f !== '--trino-url'),
      '--presto-url',
      'http://127.0.0.1:1',
    ]);
    assert.equal(presto.status, 2, presto.stderr);
    assert.equal(presto.stderr.trim().split('\n').length, 1, presto.stderr);
    assert.match(presto.stderr, /Presto/);

    const created = gamepipe(['tables', 'create', 'all', ...flags]);
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /Created events_buy/);
    assert.match(created.stdout, /--catalog iceberg/);
    const again = gamepipe(['tables', 'create', 'all', ...flags]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /Exists {2}events_buy/);
    assert.deepEqual(await one('SELECT count(*) FROM events_buy'), [0]);
  });

  it('writers SIGKILLed mid-batch, a Trino INSERT between commits and open-day compaction leave every row once, and every count Trino took was exact', async (t) => {
    if (!ready) return t.skip(skipReason);
    // Trino counts while the writers commit and compact: never a doubled or missing row, never fewer than before.
    const samples: [number, number][] = [];
    let counting = true;
    const loop = (async () => {
      while (counting)
        samples.push((await one('SELECT count(*), count(DISTINCT event_id) FROM events_buy')) as [number, number]);
    })();
    try {
      // Batches of 50 records: 30 purchases in a file each, so the open day's small files pile up and are compacted.
      const small = ['--trigger', '50ms', '--max-batch', '50'];
      for (let kill = 0; kill < 3; kill++) assert.ok((await killStreamMidBatch([...small, ...flags])) > 0);
      const columns = (await queryAll(trino, 'SELECT * FROM events_buy LIMIT 0')).columns.map((c) =>
        c === 'event_id' ? `'trino-' || event_id` : `"${c}"`,
      );
      await queryAll(
        trino,
        `INSERT INTO events_buy SELECT ${columns.join(', ')} FROM events_buy WHERE log_offset < 10`,
      );
      const writer = await gamepipeInBackground(['stream', 'all', ...small, ...flags], 'started');
      const inserted = await one("SELECT count(*) FROM events_buy WHERE event_id LIKE 'trino-%'");
      while ((await one("SELECT count(*) FROM events_buy WHERE event_id NOT LIKE 'trino-%'"))[0]! < BUYS)
        await new Promise((r) => setTimeout(r, 500));
      assert.equal(await writer.stop(), 0, writer.output());
      counting = false;
      await loop;
      assert.deepEqual(
        await one("SELECT count(*), count(DISTINCT log_offset) FROM events_buy WHERE event_id NOT LIKE 'trino-%'"),
        [BUYS, BUYS],
      );
      assert.deepEqual(
        await one("SELECT count(*) FROM events_buy WHERE event_id LIKE 'trino-%'"),
        inserted,
        'Trino rows kept',
      );
      assert.deepEqual(await one('SELECT count(*), count(DISTINCT log_offset) FROM events_guild'), [
        EVENTS / 5,
        EVENTS / 5,
      ]);
      assert.deepEqual(await one('SELECT count(*), count(DISTINCT log_offset) FROM events_user'), [
        EVENTS / 5,
        EVENTS / 5,
      ]);
      // The seed's own step: the hive catalog redirects to the Iceberg table.
      assert.deepEqual(
        await one(`SELECT count(*) FROM hive.${schema}.events_buy WHERE item_type = 'sword'`),
        await one(`SELECT count(*) FROM iceberg.${schema}.events_buy WHERE item_type = 'sword'`),
      );
      // Open-day compaction kept the files bounded: 80 batches of purchases live in fewer than 2 × 30 files.
      const [files] = await one('SELECT count(*) FROM "events_buy$files"');
      assert.ok(files! < 60, `${files} data files for ${BUYS} purchases in batches of 30`);
      const storage = await lake.open();
      assert.deepEqual(await storage.list('_iceberg_wal'), [], 'no multi-table intent is left');
      await storage.close();
      await gamepipesReadersAgree(inserted[0]!);
    } finally {
      counting = false;
      await loop.catch(() => undefined);
    }
    assert.ok(samples.length > 0);
    for (const [i, [rows, distinct]] of samples.entries()) {
      assert.equal(rows, distinct, `sample ${i}: a row counted twice`);
      if (i > 0) assert.ok(rows >= samples[i - 1]![0], `sample ${i}: the count went down`);
    }
  });
});
