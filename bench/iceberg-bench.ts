import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import { LocalLakeStorage } from '../src/lake/storage/local/local-lake-storage.js';
import type { LoadSummary } from '../src/load/load-summary.js';
import { openQueryEngine } from '../src/sql/open-query-engine.js';
import { type QueryEngine, queryAll } from '../src/sql/query-engine.js';
import { benchDir, fmt, GAMEPIPE_BIN, percentile, startGamepipe } from './bench-process.js';
import { figure, note } from './figures.js';
import { probeFreshness } from './freshness-probe.js';
import { streamIcebergBench } from './stream-iceberg-bench.js';

const TRINO_URL = process.env.BENCH_TRINO_URL ?? 'http://127.0.0.1:8080';
const METASTORE_URL = process.env.BENCH_METASTORE_URL ?? 'thrift://127.0.0.1:9083';
const BROKERS = process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:9092';
/** `ICEBERG_BENCH_MINUTES=2 npm run bench -- iceberg` for a short run; the issue's figure is 10 minutes per format. */
/** `ICEBERG_BENCH_FORMATS=iceberg` runs the load part on one format only. */
const FORMATS = (process.env.ICEBERG_BENCH_FORMATS ?? 'hive,iceberg').split(',') as Format[];
const MINUTES = Number(process.env.ICEBERG_BENCH_MINUTES ?? 10);
const RATE = Number(process.env.ICEBERG_BENCH_RATE ?? 200);
const SAMPLE_SECONDS = 20;
const PROBES = 10;

type Format = 'hive' | 'iceberg';

const gamepipe = (args: string[]) =>
  spawnSync(process.execPath, [GAMEPIPE_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'error' },
    maxBuffer: 64 * 1024 * 1024,
  });

const rows = async (engine: QueryEngine, sql: string) => (await queryAll(engine, sql)).rows;

/** Milliseconds one statement takes, with its rows. */
async function timed(engine: QueryEngine, sql: string): Promise<{ ms: number; rows: unknown[][] }> {
  const started = performance.now();
  const result = await rows(engine, sql);
  return { ms: performance.now() - started, rows: result };
}

/** The open day's data files as Trino reads them: Iceberg's `$files` metadata table, or the Hive partition's paths. */
const openDayFilesSql = (format: Format, schema: string, day: string) =>
  format === 'iceberg'
    ? `select count(*) from iceberg.${schema}."events_buy$files" where partition.dt = '${day}'`
    : `select count(distinct "$path") from hive.${schema}.events_buy where dt = '${day}'`;

/** Starts `gamepipe load` of purchases at RATE for MINUTES, its summary written to `out`. */
function startLoad(url: string, out: string): { child: ChildProcess; done: Promise<LoadSummary> } {
  const child = spawn(
    process.execPath,
    [
      GAMEPIPE_BIN,
      'load',
      '--url',
      url,
      '--mix',
      'buy=100',
      '--players',
      '50',
      '--rate',
      String(RATE),
      '--duration',
      `${MINUTES * 60}s`,
      '--out',
      out,
    ],
    { env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'error' }, stdio: 'ignore' },
  );
  const done = new Promise<LoadSummary>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(readFileSync(out, 'utf8')) as LoadSummary)
        : reject(new Error(`load exited ${code}`)),
    ),
  );
  return { child, done };
}

/**
 * `gamepipe up` on Kafka + a local lake + the metastore + Trino, with one table format, under RATE
 * purchases a second for MINUTES: every SAMPLE_SECONDS, Trino's count(*) of events_buy (timed, and
 * checked against count(distinct event_id) and the sample before) and the open day's data files;
 * then the same rows copied into one file and counted, and purchase → visible in Trino.
 */
async function underLoad(format: Format): Promise<void> {
  const stamp = Date.now();
  const dataDir = benchDir(`iceberg-up-${format}`);
  const schema = `bench_${format}_${stamp}`;
  const topic = `bench-${format}-${stamp}`;
  const flags = [
    '--data-dir',
    dataDir,
    '--kafka-brokers',
    BROKERS,
    '--topic',
    topic,
    '--trino-url',
    TRINO_URL,
    '--metastore-url',
    METASTORE_URL,
    '--schema',
    schema,
    '--table-format',
    format,
  ];
  for (const step of [
    ['topic', 'create', '--partitions', '3'],
    ['tables', 'create'],
  ]) {
    const r = gamepipe([...step, ...flags]);
    if (r.status !== 0) throw new Error(`gamepipe ${step.join(' ')}: ${r.stderr}`);
  }
  const up = await startGamepipe(['up', '--quiet', ...flags], process.cwd());
  const config = loadConfig({ flags: { dataDir, trinoUrl: TRINO_URL, schema, catalog: format }, env: {} });
  const trino = await openQueryEngine(config, new LocalLakeStorage(join(dataDir, 'lake')));
  const day = new Date().toISOString().slice(0, 10);
  const counts: number[] = [];
  const countMs: number[] = [];
  /** Each sample's count time over the same count on a one-file copy made at that moment: the files' cost, whatever the machine's load. */
  const ratios: number[] = [];
  const files: number[] = [];
  let inexact = 0;
  try {
    const load = startLoad(up.url, join(dataDir, 'load.json'));
    let loading = true;
    load.done.finally(() => (loading = false)).catch(() => undefined);
    while (loading) {
      await new Promise((r) => setTimeout(r, SAMPLE_SECONDS * 1000));
      const sample = await timed(trino, 'select count(*), count(distinct event_id) from events_buy');
      const [n, distinct] = (sample.rows[0] ?? [0, 0]).map(Number) as [number, number];
      if (n !== distinct || n < (counts.at(-1) ?? 0)) inexact++;
      counts.push(n);
      const count = await timed(trino, 'select count(*) from events_buy');
      countMs.push(count.ms);
      await rows(trino, `drop table if exists ${format}.${schema}.one_file_now`);
      await rows(
        trino,
        `create table ${format}.${schema}.one_file_now with (format = 'PARQUET') as select * from events_buy`,
      );
      ratios.push(count.ms / (await timed(trino, `select count(*) from ${format}.${schema}.one_file_now`)).ms);
      files.push(Number((await rows(trino, openDayFilesSql(format, schema, day)))[0]?.[0] ?? 0));
    }
    const accepted = (await load.done).accepted.events.buy_item ?? 0;
    const delays = await probeFreshness(
      up.url,
      PROBES,
      async (q) =>
        Number(
          (await rows(trino, `select count(*) from events_buy where username = 'fresh' and quantity = ${q}`))[0]?.[0],
        ) === 1,
    );
    await rows(
      trino,
      `create table ${format}.${schema}.one_file with (format = 'PARQUET') as select * from events_buy`,
    );
    const oneFile: number[] = [];
    for (let i = 0; i < 7; i++)
      oneFile.push((await timed(trino, `select count(*) from ${format}.${schema}.one_file`)).ms);
    const final = Number((await rows(trino, 'select count(*) from events_buy'))[0]?.[0]);

    note(
      `${format}: ${fmt(accepted)} purchases accepted in ${MINUTES} min, ${fmt(final - PROBES)} in the table at the end`,
    );
    note(
      `${format}: ${counts.length} Trino samples, ${inexact === 0 ? 'every one exact' : `${inexact} NOT exact`} (count(*) = count(distinct event_id), never down)`,
    );
    figure({ label: `${format}: data files in the open day, most`, value: Math.max(...files), unit: 'files' });
    figure({ label: `${format}: data files in the open day, at the end`, value: files.at(-1) ?? 0, unit: 'files' });
    const oneFileP50 = figure({
      label: `${format}: count(*) on the same rows in one file p50`,
      value: percentile(oneFile, 0.5),
      unit: 'ms',
    });
    figure({
      label: `${format}: count(*) under load p50`,
      value: percentile(countMs, 0.5),
      unit: 'ms',
      baseline: { label: 'one file', value: oneFileP50.value },
      ...(format === 'iceberg' ? { target: { op: '<=' as const, value: 1.5 } } : {}),
    });
    figure({
      label: `${format}: count(*) under load over a one-file copy counted at the same sample, p50`,
      value: percentile(ratios, 0.5),
      unit: 'x',
      digits: 2,
      ...(format === 'iceberg' ? { target: { op: '<=' as const, value: 1.5 } } : {}),
    });
    figure({
      label: `${format}: purchase 2xx -> visible in Trino p95 (${PROBES})`,
      value: percentile(delays, 0.95),
      unit: 's',
      digits: 2,
      ...(format === 'iceberg' ? { target: { op: '<=' as const, value: 5 } } : {}),
    });
  } finally {
    await up.stop();
    for (const copy of ['one_file', 'one_file_now'])
      await rows(trino, `drop table if exists ${format}.${schema}.${copy}`).catch(() => undefined);
    await trino.close();
  }
}

/**
 * `npm run bench -- iceberg`: Iceberg tables beside Hive tables, in one run: the writer on a backlog
 * (stream-iceberg-bench.ts), then `up` under steady purchases on each format. ICEBERG_BENCH_MINUTES=0
 * runs the first part only.
 */
export async function icebergBench(): Promise<void> {
  await streamIcebergBench(benchDir('iceberg'));
  if (MINUTES <= 0) return;
  note(`up under ${RATE} purchases/s for ${MINUTES} min per format (Kafka ${BROKERS}, Trino ${TRINO_URL})`);
  for (const format of FORMATS) await underLoad(format);
}
