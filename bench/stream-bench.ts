import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EmbeddedEventLog } from '../src/eventlog/embedded/embedded-event-log.js';
import { SegmentReader } from '../src/eventlog/embedded/segment-reader.js';
import { benchDir, fmt } from './bench-process.js';
import { figure, note, suite } from './figures.js';
import { buyRecords, fillLog } from './lake-fixture.js';

export const BACKLOG = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const TRICKLE_PER_SECOND = 200;
const TRICKLE_SECONDS = Number(process.env.BENCH_TRICKLE_SECONDS ?? 120);
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

export interface StreamFigures {
  events: number;
  batches: number;
  seconds: number;
  maxRssMb: number;
  /** The worker's CPU time, user and system, its encoder's threads included. */
  cpuSeconds: number;
  /** Parquet bytes handed to the lake: every batch file and every merge. */
  bytesWritten: number;
  /** Bytes of the files queries read at the end. */
  lakeBytes: number;
  lakeFiles: number;
}

const workerEnv = (extra: Record<string, string> = {}) => ({ ...process.env, GAMEPIPE_LOG_LEVEL: 'error', ...extra });

/** One `stream all --once` over the data dir's log into `lake` (default: the data dir's own), with `env` added (GAMEPIPE_* settings). */
export function runStreamWorker(dataDir: string, lake?: string, env: Record<string, string> = {}): StreamFigures {
  const run = spawnSync(process.execPath, [worker, dataDir, ...(lake ? [lake] : [])], {
    encoding: 'utf8',
    env: workerEnv(env),
  });
  if (run.status !== 0) throw new Error(`stream worker failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as StreamFigures;
}

/** `stream all` running for `seconds` while `TRICKLE_PER_SECOND` buy events a second are appended to the log. */
async function runTrickle(dataDir: string, seconds: number): Promise<StreamFigures> {
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  const child = spawn(process.execPath, [worker, dataDir], {
    env: workerEnv({ BENCH_STREAM_SECONDS: String(seconds) }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const started = Date.now();
  let sent = 0;
  try {
    while (Date.now() - started < (seconds - 2) * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * TRICKLE_PER_SECOND);
      if (due > sent) await log.append(buyRecords(sent, due - sent));
      sent = Math.max(sent, due);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await log.close();
  }
  if ((await exited) !== 0) throw new Error('stream worker (trickle) failed');
  return JSON.parse(out) as StreamFigures;
}

function amplification(label: string, run: StreamFigures): void {
  figure({ label, value: run.bytesWritten / run.lakeBytes, unit: 'x', digits: 2, target: { op: '<=', value: 1.3 } });
  note(
    `${fmt(run.bytesWritten / 2 ** 20, 1)} MB written for ${fmt(run.lakeBytes / 2 ** 20, 1)} MB held in ${run.lakeFiles} files, ${run.batches} batches`,
  );
}

/** Log to committed Parquet, beside merely reading the same log; the writer's peak memory; bytes written per byte kept. */
export async function streamBench(dataDir: string): Promise<void> {
  suite('stream', `a backlog of ${fmt(BACKLOG)} buy events in the embedded log, one writer (stream all --once)`);
  const fillStart = Date.now();
  await fillLog(dataDir, BACKLOG);
  note(`log filled in ${fmt((Date.now() - fillStart) / 1000, 1)} s`);
  const ceiling = await readCeiling(dataDir);
  const backlog = runStreamWorker(dataDir);
  figure({
    label: 'log -> committed Parquet',
    value: backlog.events / backlog.seconds,
    unit: 'events/s',
    baseline: { label: 'read ceiling', value: ceiling },
    target: { op: '>=', value: 0.6 },
  });
  figure({
    label: `writer peak RSS, ${fmt(BACKLOG)} backlog`,
    value: backlog.maxRssMb,
    unit: 'MB',
    target: { op: '<=', value: 300 },
  });
  amplification('write amplification, backlog', backlog);
  const trickle = await runTrickle(benchDir('trickle'), TRICKLE_SECONDS);
  note(`trickle: ${TRICKLE_PER_SECOND} buy events/s for ${TRICKLE_SECONDS} s into stream all with its defaults`);
  amplification('write amplification, trickle', trickle);
}

/** The writer's peak memory over a five-million-event backlog: it must not grow with the backlog (opt-in: `npm run bench -- stream-5m`). */
export async function stream5mBench(): Promise<void> {
  const events = 5_000_000;
  suite('stream-5m', `a backlog of ${fmt(events)} buy events in the embedded log, one writer (stream all --once)`);
  const dataDir = benchDir('stream-5m');
  await fillLog(dataDir, events);
  const run = runStreamWorker(dataDir);
  figure({ label: 'log -> committed Parquet', value: run.events / run.seconds, unit: 'events/s' });
  figure({
    label: `writer peak RSS, ${fmt(events)} backlog`,
    value: run.maxRssMb,
    unit: 'MB',
    target: { op: '<=', value: 300 },
  });
  amplification('write amplification, backlog', run);
}
