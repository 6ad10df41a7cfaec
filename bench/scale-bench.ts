import { spawn } from 'node:child_process';
import { benchDir, cpuSeconds, fmt, GAMEPIPE_BIN, startGamepipe } from './bench-process.js';
import { figure, note, suite } from './figures.js';
import { filledTopic } from './kafka-bench.js';
import { purchases } from './server-bench.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const BROKERS = process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:9092';
const PARTITIONS = 6;
const BACKLOG = Number(process.env.BENCH_SCALE_EVENTS ?? 300_000);
/** One `gamepipe serve` on Redis + Kafka under purchases: requests per second, and per core it used. */
async function serverPerCore(): Promise<number> {
  const dataDir = benchDir('scale-server');
  const flags = [
    '--redis-url',
    REDIS_URL,
    '--kafka-brokers',
    BROKERS,
    '--topic',
    `gamepipe-bench-scale-${Date.now()}`,
    '--data-dir',
    dataDir,
  ];
  const server = await startGamepipe(['serve', ...flags], dataDir);
  try {
    const cpuBefore = cpuSeconds(server.child.pid!);
    const started = Date.now();
    const result = await purchases(server.url);
    const cores = (cpuSeconds(server.child.pid!) - cpuBefore) / ((Date.now() - started) / 1000);
    figure({ label: 'one server: /buy/sword on Redis + Kafka', value: result.requests.average, unit: 'req/s' });
    figure({ label: 'cores the server used', value: cores, unit: 'cores', digits: 2 });
    return figure({ label: 'purchases per server core', value: result.requests.average / cores, unit: 'req/s' }).value;
  } finally {
    await server.stop();
  }
}

/** One `gamepipe stream buy` over a partitioned backlog: events per second, and per core it used (sampled from /proc until it exits). */
async function writerPerCore(): Promise<number> {
  const { topic } = await filledTopic(BACKLOG, PARTITIONS);
  const started = Date.now();
  const writer = spawn(
    process.execPath,
    [
      GAMEPIPE_BIN,
      'stream',
      'buy',
      '--once',
      '--json',
      '--kafka-brokers',
      BROKERS,
      '--topic',
      topic,
      '--data-dir',
      benchDir('scale-writer'),
    ],
    {
      env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let cpu = 0;
  const sampler = setInterval(() => {
    try {
      cpu = cpuSeconds(writer.pid!);
    } catch {
      // exited between two samples: the last one stands
    }
  }, 100);
  const code = await new Promise<number | null>((resolve) => writer.once('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`stream buy --once over ${topic} exited ${code}`);
  const seconds = (Date.now() - started) / 1000;
  figure({
    label: `one writer: ${fmt(BACKLOG)} events, ${PARTITIONS} partitions`,
    value: BACKLOG / seconds,
    unit: 'events/s',
  });
  figure({ label: 'cores the writer used', value: cpu / seconds, unit: 'cores', digits: 2 });
  return figure({ label: 'events per writer core', value: BACKLOG / cpu, unit: 'events/s' }).value;
}

/**
 * What one server and one writer do per core on Redis + Kafka, and the sizing the README derives
 * from them: servers and writers for a rate, each at 70% of its measured per-core rate, one core each.
 */
export async function scaleBench(): Promise<void> {
  suite('scale', `one server and one writer on Redis (${REDIS_URL}) and Kafka (${BROKERS}), per core they used`);
  const server = await serverPerCore();
  const writer = await writerPerCore();
  for (const rate of [1_000, 10_000, 50_000]) {
    const servers = Math.ceil(rate / (0.7 * server));
    const writers = Math.ceil(rate / (0.7 * writer));
    note(
      `${fmt(rate)} purchases/s: ${servers} server core(s), ${writers} writer core(s), at least ${Math.max(writers, 1) * 2} partitions`,
    );
  }
}
