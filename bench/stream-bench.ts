import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SegmentReader } from '../src/eventlog/embedded/segment-reader.js';
import { fmt } from './bench-process.js';
import { fillLog } from './lake-fixture.js';

export const BACKLOG = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const worker = fileURLToPath(new URL('./stream-worker.js', import.meta.url));

async function readCeiling(dataDir: string): Promise<number> {
  const reader = SegmentReader.forTopic(dataDir, 'events', { group: 'bench' });
  const started = process.hrtime.bigint();
  let read = 0;
  for (;;) {
    const records = await reader.poll(100_000, 0);
    if (records.length === 0) break;
    for (const r of records) read += r.value.length > 0 ? 1 : 0;
  }
  await reader.close();
  return read / (Number(process.hrtime.bigint() - started) / 1e9);
}

interface StreamFigures {
  events: number;
  batches: number;
  seconds: number;
  maxRssMb: number;
}

/** One `stream all --once` over the data dir's log into `lake` (default: the data dir's own). */
export function runStreamWorker(dataDir: string, lake?: string): StreamFigures {
  const run = spawnSync(process.execPath, [worker, dataDir, ...(lake ? [lake] : [])], { encoding: 'utf8', env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'error' } });
  if (run.status !== 0) throw new Error(`stream worker failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as StreamFigures;
}

/** Log to committed Parquet, beside merely reading the same log; and the writer's peak memory. */
export async function streamBench(dataDir: string): Promise<void> {
  console.log(`# stream: a backlog of ${fmt(BACKLOG)} buy events in the embedded log, one writer (stream all --once)`);
  const fillStart = Date.now();
  await fillLog(dataDir, BACKLOG);
  console.log(`  log filled in ${fmt((Date.now() - fillStart) / 1000, 1)} s`);
  const ceiling = await readCeiling(dataDir);
  const figures = runStreamWorker(dataDir);
  const rate = figures.events / figures.seconds;
  console.log(`  read only (ceiling):       ${fmt(ceiling)} events/s`);
  console.log(`  log -> committed Parquet:  ${fmt(rate)} events/s (${fmt((rate / ceiling) * 100)}% of the ceiling), ${figures.batches} batches in ${fmt(figures.seconds, 1)} s`);
  console.log(`  writer peak memory (RSS):  ${fmt(figures.maxRssMb)} MB with the whole backlog waiting`);
}
