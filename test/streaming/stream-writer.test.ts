import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { parquetDecompressors } from '../../src/lake/parquet/parquet-codecs.js';
import { deploymentOf } from '../../src/config/deployment.js';
import { loadConfig } from '../../src/config/load-config.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { committedFiles } from '../../src/lake/lake-files.js';
import type { WriterTarget } from '../../src/lake/owners.js';
import type { ParquetWriterChoice } from '../../src/lake/parquet/create-parquet-writer.js';
import type { BatchProgress } from '../../src/lake/batch/batch-progress.js';
import { StreamWriter } from '../../src/streaming/stream-writer.js';
import { localLake, queryLake as query } from '../helpers/lake-query.js';
import { sampleEvent, sampleRecords } from '../helpers/events.js';
import { tempDir } from '../helpers/temp-dir.js';

async function appendAll(dataDir: string, records: { key: string | null; value: string }[]): Promise<void> {
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  await log.append(records);
  await log.close();
}

async function streamOnce(
  dataDir: string,
  target: WriterTarget = 'all',
  parquetWriter: ParquetWriterChoice = 'duckdb',
): Promise<BatchProgress[]> {
  const progress: BatchProgress[] = [];
  const config = loadConfig({ flags: { dataDir }, env: {} });
  const writer = await StreamWriter.open(config, {
    deployment: deploymentOf(config),
    target,
    triggerMs: 200,
    once: true,
    maxBatchRecords: 10_000,
    maxFileRows: 4000,
    parquetWriter,
    onProgress: (p) => progress.push(p),
  });
  await writer.run();
  await writer.close();
  return progress;
}

describe('stream writers', () => {
  it('land each event type in its own table, with raw_event, log timestamp and typed columns', async () => {
    const dataDir = tempDir();
    await appendAll(dataDir, sampleRecords(50));
    const progress = await streamOnce(dataDir);
    assert.equal(
      progress.reduce((n, p) => n + p.numInputRows, 0),
      50,
    );
    assert.deepEqual(await query(dataDir, 'select count(*) from events_buy'), [[30]]);
    assert.deepEqual(await query(dataDir, 'select count(*) from events_guild'), [[10]]);
    assert.deepEqual(await query(dataDir, 'select count(*) from events_user'), [[10]]);
    const [[raw, quantity, eventType]] = (await query(
      dataDir,
      'select raw_event, quantity, event_type from events_buy where log_offset = 0',
    )) as [[string, number, string]];
    assert.equal(JSON.parse(raw).event_type, 'buy_item', 'raw_event is the JSON as read from the log');
    assert.equal(quantity, 1);
    assert.equal(eventType, 'buy_item');
    assert.deepEqual(
      await query(
        dataDir,
        'select typeof(quantity), typeof(price), typeof(event_ts), typeof(timestamp) from events_buy limit 1',
      ),
      [['INTEGER', 'DOUBLE', 'TIMESTAMP', 'TIMESTAMP']],
    );
  });

  it('keep raw_event byte for byte when the JSON carries tabs, newlines or carriage returns as whitespace', async () => {
    const dataDir = tempDir();
    const plain = sampleRecords(10).filter((r) => JSON.parse(r.value).event_type === 'buy_item');
    assert.ok(plain.length >= 4);
    const spaced = plain.map((r, i) => ({
      key: r.key,
      value: i % 2 === 0 ? r.value : JSON.stringify(JSON.parse(r.value), null, ['\t', '\n', '\r\n'][i % 3]),
    }));
    await appendAll(dataDir, spaced);
    await streamOnce(dataDir, 'buy');
    const rows = (await query(dataDir, 'select raw_event from events_buy order by log_offset')) as [string][];
    assert.deepEqual(
      rows.map(([raw]) => raw),
      spaced.map((r) => r.value),
    );
  });

  it('only the named table is written by a single-table writer', async () => {
    const dataDir = tempDir();
    await appendAll(dataDir, sampleRecords(20));
    await streamOnce(dataDir, 'guild');
    assert.equal((await committedFiles(localLake(dataDir), 'events_buy')).length, 0);
    assert.deepEqual(await query(dataDir, 'select count(*) from events_guild'), [[4]]);
  });

  it('sends records that do not parse or do not match the schema to the dead letters, with the reason, and keeps going', async () => {
    const dataDir = tempDir();
    const good = sampleEvent(0);
    await appendAll(dataDir, [
      { key: null, value: JSON.stringify(good) },
      { key: null, value: 'password=hunter2 not json' },
      { key: null, value: JSON.stringify({ ...sampleEvent(1), quantity: 'many' }) },
      { key: null, value: JSON.stringify({ ...sampleEvent(2), Cookie: 'session_id=123' }) },
      { key: null, value: JSON.stringify({ event_type: 'teleport' }) },
      { key: null, value: JSON.stringify(sampleEvent(5)) },
      // A lone surrogate, escaped as JSON allows: no UTF-8 carries it, and DuckDB refused the whole batch.
      { key: null, value: JSON.stringify({ ...sampleEvent(3), guild_name: 'g\ud800' }) },
    ]);
    await streamOnce(dataDir);
    assert.deepEqual(await query(dataDir, 'select log_offset from events_buy order by 1'), [[0], [5]]);
    const dead = (await query(
      dataDir,
      'select log_offset, writer, reason, raw_event from events_dead_letter order by log_offset',
    )) as [number, string, string, string][];
    assert.deepEqual(
      dead.map(([offset, writer]) => [offset, writer]),
      [
        [1, 'unrouted'],
        [2, 'buy'],
        [3, 'buy'],
        [4, 'unrouted'],
        [6, 'guild'],
      ],
    );
    assert.match(dead[0]![2], /^not JSON/);
    assert.match(dead[1]![2], /quantity/);
    assert.match(dead[2]![2], /Cookie|unrecognized/i);
    assert.match(dead[3]![2], /unknown event_type "teleport"/);
    assert.match(dead[4]![2], /^guild_name: not well-formed Unicode/);
    const rawText = dead.map((d) => d[3]).join('\n');
    assert.equal(rawText.includes('hunter2'), false, 'a secret in a refused record is redacted');
    assert.equal(rawText.includes('session_id=123'), false);
  });

  it('sends a record naming a key twice to the dead letters: JSON.parse would validate its last value, the lake store its first', async () => {
    const dataDir = tempDir();
    const canonical = (n: number) => JSON.stringify(sampleEvent(n));
    const tricky = { ...sampleEvent(6), username: 'p","quantity":5,"x":"{' }; // keys in a value are not keys
    await appendAll(dataDir, [
      { key: null, value: canonical(0) },
      { key: null, value: canonical(1).replace('{', '{"quantity":"many",') },
      { key: null, value: canonical(2).replace('{', '{"price":{"a":["}\\"",1]},') },
      { key: null, value: canonical(5).replace('{', '{"pri\\u0063e":99,') },
      { key: null, value: JSON.stringify(tricky, null, 1) },
    ]);
    await streamOnce(dataDir, 'buy');
    assert.deepEqual(await query(dataDir, 'select log_offset, username from events_buy order by 1'), [
      [0, sampleEvent(0).username],
      [4, tricky.username],
    ]);
    const dead = (await query(dataDir, 'select log_offset, reason from events_dead_letter order by log_offset')) as [
      number,
      string,
    ][];
    assert.deepEqual(
      dead.map(([offset]) => offset),
      [1, 2, 3],
    );
    assert.match(dead[0]![1], /^duplicate key "quantity"/);
    assert.match(dead[1]![1], /^duplicate key "price"/);
    assert.match(dead[2]![1], /^duplicate key "price"/);
  });

  it('writes each event exactly once across restarts', async () => {
    const dataDir = tempDir();
    await appendAll(dataDir, sampleRecords(500));
    await streamOnce(dataDir);
    await streamOnce(dataDir);
    await appendAll(dataDir, sampleRecords(500, 500));
    await streamOnce(dataDir);
    assert.deepEqual(
      await query(
        dataDir,
        'select count(*), count(distinct log_offset), min(log_offset), max(log_offset) from events_buy',
      ),
      [[600, 600, 0, 997]],
    );
  });

  for (const writer of ['duckdb', 'parquetjs'] as const) {
    it(`files from the ${writer} writer read back identically in DuckDB and in hyparquet`, async () => {
      const dataDir = tempDir();
      await appendAll(dataDir, sampleRecords(9000));
      await streamOnce(dataDir, 'buy', writer);
      const lake = localLake(dataDir);
      const files = await committedFiles(lake, 'events_buy');
      assert.equal(files.length, 2, '5,400 rows at 4,000 rows a file');
      const columns = ['log_offset', 'event_id', 'item_type', 'quantity', 'price', 'item_count', 'event_ts'];
      const duckdbColumns = columns.map((c) => (c === 'event_ts' ? 'epoch_ms(event_ts)' : c));
      const fromDuckdb = (await query(
        dataDir,
        `select ${duckdbColumns.join(', ')} from events_buy order by log_offset`,
      )) as unknown[][];
      const fromHyparquet: unknown[][] = [];
      for (const file of files) {
        const rows = await parquetReadObjects({
          compressors: parquetDecompressors,
          file: await asyncBufferFromFile(lake.localPath(file.path)),
          columns,
        });
        for (const row of rows) fromHyparquet.push(columns.map((c) => row[c]));
      }
      const normal = (rows: unknown[][]) =>
        rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : v)));
      assert.equal(fromHyparquet.length, 5400);
      assert.deepEqual(normal(fromHyparquet), normal(fromDuckdb));
    });
  }

  it('rolls forward a batch whose writer died after recording its intent', async () => {
    const dataDir = tempDir();
    await appendAll(dataDir, sampleRecords(10));
    const lake = localLake(dataDir);
    await streamOnce(dataDir, 'buy');
    const [file] = await committedFiles(lake, 'events_buy');
    // As a writer killed between its intent and its renames leaves the lake:
    await lake.rename(file!.path, '_tmp/buy+0-killed.parquet');
    await lake.delete('_positions/buy+0.json');
    await lake.replace(
      '_wal/buy+0.json',
      Buffer.from(
        JSON.stringify({
          partition: 0,
          moves: [{ from: '_tmp/buy+0-killed.parquet', to: file!.path }],
          positions: { buy: 10 },
        }),
      ),
    );
    await streamOnce(dataDir, 'buy');
    assert.ok(existsSync(lake.localPath(file!.path)), 'the file was moved into place');
    assert.deepEqual(readdirSync(lake.localPath('_wal')), []);
    assert.equal(
      (await lake.read('_positions/buy+0.json'))!.toString(),
      '{"offset":10}',
      "the intent's position was recorded",
    );
    assert.deepEqual(await query(dataDir, 'select count(*) from events_buy'), [[6]]);
  });

  it("removes what a replace killed mid-way left of its own files, and nothing of another owner's", async () => {
    const dataDir = tempDir();
    await appendAll(dataDir, sampleRecords(10));
    const lake = localLake(dataDir);
    const leftovers = [
      '_wal/.buy+0.json.0a1b2c.tmp',
      '_positions/.buy+0.json.0a1b2c.tmp',
      '_status/.buy.json.0a1b2c.tmp',
    ];
    for (const path of [...leftovers, '_positions/.guild+0.json.0a1b2c.tmp'])
      await lake.create(path, Buffer.from('{"torn'));
    await streamOnce(dataDir, 'buy');
    for (const path of leftovers) assert.equal(await lake.stat(path), null, `${path} is gone`);
    assert.ok(
      await lake.stat('_positions/.guild+0.json.0a1b2c.tmp'),
      'the guild writer may be renaming its own right now: left alone',
    );
  });

  it('refuses a second writer for the same table', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ flags: { dataDir }, env: {} });
    const options = {
      deployment: deploymentOf(config),
      triggerMs: 100,
      once: true,
      maxBatchRecords: 10,
      maxFileRows: 10,
      parquetWriter: 'duckdb' as const,
      onProgress: () => undefined,
    };
    const first = await StreamWriter.open(config, { ...options, target: 'all' });
    await assert.rejects(StreamWriter.open(config, { ...options, target: 'buy' }), { code: 'DATA_DIR_LOCKED' });
    await first.close();
    const second = await StreamWriter.open(config, { ...options, target: 'buy' });
    await second.close();
  });
});

describe('compaction', () => {
  for (const parquetWriter of ['duckdb', 'parquetjs'] as const) {
    it(`merges runs of small files (${parquetWriter}), hides the merged-away files from queries at once, deletes them after the grace period`, async () => {
      const dataDir = tempDir();
      const lake = localLake(dataDir);
      await appendAll(dataDir, sampleRecords(400));
      const config = loadConfig({ flags: { dataDir }, env: {} });
      const run = async (graceMs: number) => {
        const writer = await StreamWriter.open(config, {
          deployment: deploymentOf(config),
          target: 'all',
          triggerMs: 100,
          once: true,
          maxBatchRecords: 10,
          maxFileRows: 1000,
          parquetWriter,
          onProgress: () => undefined,
          compaction: { smallFileBytes: 1024 * 1024, targetFileBytes: 64 * 1024 * 1024, minFiles: 5, graceMs },
        });
        await writer.run();
        await writer.close();
      };
      await run(60_000);
      const parquetFiles = () =>
        readdirSync(lake.localPath('events_buy'), { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.parquet'));
      const visible = await committedFiles(lake, 'events_buy');
      assert.ok(visible.length < 10, `${visible.length} files after merging 40 batches`);
      const listedByAnyReader = parquetFiles().filter((f) => !f.split('/').some((segment) => segment.startsWith('_')));
      assert.equal(
        listedByAnyReader.length,
        visible.length,
        'a reader listing the date directories (Trino, Hive, Spark) sees only the merged files',
      );
      assert.ok(parquetFiles().length > visible.length, 'merged-away files wait, hidden, for their grace period');
      assert.deepEqual(
        await query(
          dataDir,
          'select count(*), count(distinct log_offset), min(log_offset), max(log_offset) from events_buy',
        ),
        [[240, 240, 0, 397]],
      );
      assert.deepEqual(await query(dataDir, 'select count(*) from events_user'), [[80]]);

      await appendAll(dataDir, sampleRecords(10, 400));
      await run(0);
      assert.equal(
        parquetFiles().length,
        (await committedFiles(lake, 'events_buy')).length,
        'after the grace period only visible files remain',
      );
      assert.deepEqual(await query(dataDir, 'select count(*), count(distinct log_offset) from events_buy'), [
        [246, 246],
      ]);
      assert.deepEqual(await query(dataDir, 'select typeof(event_ts), typeof(quantity) from events_buy limit 1'), [
        ['TIMESTAMP', 'INTEGER'],
      ]);
    });
  }

  it('merges small files that add up to the target size, however fewer than minFiles they are', async () => {
    const dataDir = tempDir();
    await appendAll(dataDir, sampleRecords(400));
    const config = loadConfig({ flags: { dataDir }, env: {} });
    const writer = await StreamWriter.open(config, {
      deployment: deploymentOf(config),
      target: 'buy',
      triggerMs: 100,
      once: true,
      maxBatchRecords: 10,
      maxFileRows: 1000,
      parquetWriter: 'duckdb',
      onProgress: () => undefined,
      compaction: { smallFileBytes: 1024 * 1024, targetFileBytes: 64 * 1024, minFiles: 1000, graceMs: 60_000 },
    });
    await writer.run();
    await writer.close();
    const visible = await committedFiles(localLake(dataDir), 'events_buy');
    assert.ok(
      visible.length < 10,
      `${visible.length} files after 40 batches of about 8 KiB, merged up to 64 KiB at a time`,
    );
    assert.deepEqual(await query(dataDir, 'select count(*), count(distinct log_offset) from events_buy'), [[240, 240]]);
  });
});
