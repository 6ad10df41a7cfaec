import autocannon from 'autocannon';
import { createConnection } from 'node:net';
import type { LoadPlan } from '../src/load/load-plan.js';
import { runLoad } from '../src/load/run-load.js';
import { benchDir, fmt, startGamepipe } from './bench-process.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host, port }).once('connect', () => (socket.destroy(), resolve(true))).once('error', () => resolve(false));
  });

async function bareRoute(url: string): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${url}/bench-bare-route`, connections: CONNECTIONS, duration: SECONDS }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function purchases(url: string) {
  const plan: LoadPlan = {
    url: new URL(url),
    players: 100,
    playerPrefix: `bench${Date.now()}_`,
    hostTemplate: '{user}.comcast.com',
    mix: [['buy', 1]],
    items: [['sword', 1]],
    cycleItems: false,
    qualities: [],
    guilds: ['bench'],
    requests: undefined,
    durationMs: SECONDS * 1000,
    connections: CONNECTIONS,
    rate: undefined,
    seed: 1,
  };
  const never = new Promise(() => undefined);
  return runLoad(plan, { intervalMs: undefined, maxDurationMs: SECONDS * 1000 }, { onPlayersReady: () => undefined, onRoundStart: () => undefined, onRoundEnd: () => undefined, stopRequested: never });
}

async function benchMode(label: string, flags: string[]): Promise<void> {
  const server = await startGamepipe(['serve', ...flags, '--data-dir', benchDir('server')], process.cwd());
  try {
    const bare = await bareRoute(server.url);
    const buy = await purchases(server.url);
    const share = (buy.requests_per_s / bare.requests.average) * 100;
    console.log(`server [${label}]`);
    console.log(`  bare route (404 handler, same hooks): ${fmt(bare.requests.average)} req/s, p50 ${bare.latency.p50} ms, p99 ${bare.latency.p99} ms`);
    console.log(
      `  /buy/sword with valid sessions:      ${fmt(buy.requests_per_s)} req/s, p50 ${buy.latency_ms.p50} ms, p99 ${buy.latency_ms.p99} ms` +
        ` (${fmt(share)}% of the bare route; ${buy.status['2xx']} x 2xx, ${buy.status['4xx'] + buy.status['5xx']} errors)`,
    );
  } finally {
    await server.stop();
  }
}

/** Requests/s and latency of purchases, beside a bare route of the same server, per back end. */
export async function serverBench(): Promise<void> {
  console.log(`# server: ${CONNECTIONS} connections, ${SECONDS}s per measurement, autocannon in this process, server in another`);
  await benchMode('embedded state + embedded log', []);
  if ((await reachable('127.0.0.1', 6379)) && (await reachable('127.0.0.1', 9092))) {
    await benchMode('Redis + Kafka', ['--redis-url', 'redis://127.0.0.1:6379/14', '--kafka-brokers', '127.0.0.1:9092', '--topic', `bench-${Date.now()}`]);
  } else {
    console.log('server [Redis + Kafka]: skipped, start redis-server and test/services/kafka.sh start');
  }
}
