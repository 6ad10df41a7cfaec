import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createAdmin, ensureTopic } from '../src/eventlog/kafka/kafka-client.js';
import { cpuSeconds, fmt, median, type RunningCommand } from './bench-process.js';
import { figure, note } from './figures.js';
import { seedPlayers, startSeedApp, type SeedApp, type SeedOptions } from './seed-app.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCIES = [50, 256] as const;
/** Rounds of (gamepipe at 50, at 256, the seed at 50, at 256): each figure is the median of its rounds. */
const ROUNDS = Number(process.env.BENCH_SEED_ROUNDS ?? 3);
/** Issue 24: purchases at 256 connections at least 40 times the seed's Flask app on the same Redis and Kafka. */
const SEED_MULTIPLE = 40;

const run = (url: string, requests: autocannon.Request[], connections: number) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url, requests, connections, duration: SECONDS }, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
  });

/** Linux's high-water mark of the process's resident memory (VmHWM), in MB. */
const peakRssMb = (pid: number): number =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

interface Measured {
  rate: number;
  /** The server's CPU per answered request, in ms: what a request costs it whatever the machine's load. */
  cpuMs: number;
  line: string;
}

async function measured(url: string, requests: autocannon.Request[], connections: number, pid: number) {
  const cpuBefore = cpuSeconds(pid);
  const r = await run(url, requests, connections);
  const answered = r['2xx'] + r.non2xx;
  const cpuMs = answered > 0 ? ((cpuSeconds(pid) - cpuBefore) * 1000) / answered : 0;
  return {
    rate: r.requests.average,
    cpuMs,
    line: `${fmt(r.requests.average)} req/s (p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors, ${fmt(cpuMs, 3)} ms CPU/request)`,
  } satisfies Measured;
}

/**
 * `/buy/sword` at 50 and 256 connections on gamepipe (Redis + Kafka) and on the seed's Flask app
 * (seed-app.ts) on the same Redis and Kafka, in rounds that take turns so a load that comes or goes
 * on this shared machine moves both; medians of the rounds. Also serve's peak RSS over all of it.
 */
export async function concurrencyAgainstSeed(
  server: RunningCommand,
  requests: autocannon.Request[],
  options: Omit<SeedOptions, 'topic'>,
): Promise<void> {
  const topic = `gamepipe-bench-seed-${Date.now()}`;
  let seed: SeedApp | null = null;
  let seedRequests: autocannon.Request[] = [];
  try {
    const admin = createAdmin(options.brokers.split(','), 'gamepipe-bench');
    await ensureTopic(admin, topic, 1, 1).finally(() => admin.close());
    seed = await startSeedApp({ ...options, topic }, await freePort());
    const cookies = await seedPlayers(seed.url, `seed${Date.now()}_`, 100);
    seedRequests = cookies.map((cookie, i) => ({
      method: 'GET' as const,
      path: '/buy/sword',
      headers: { cookie, host: `seed${i}.comcast.com` },
    }));
  } catch (error) {
    await seed?.stop();
    seed = null;
    note(`the seed's Flask app cannot run here: ${(error as Error).message}`);
  }
  try {
    const gp = new Map<number, Measured[]>(CONCURRENCIES.map((c) => [c, []]));
    const sd = new Map<number, Measured[]>(CONCURRENCIES.map((c) => [c, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of CONCURRENCIES) gp.get(c)!.push(await measured(server.url, requests, c, server.child.pid!));
      if (seed)
        for (const c of CONCURRENCIES) sd.get(c)!.push(await measured(seed.url, seedRequests, c, seed.child.pid!));
    }
    const rate = (runs: Measured[]) => median(runs.map((r) => r.rate));
    const [low, high] = CONCURRENCIES;
    const at50 = figure({ label: `/buy/sword at ${low} connections`, value: rate(gp.get(low)!), unit: 'req/s' });
    figure({
      label: `/buy/sword at ${high} connections`,
      value: rate(gp.get(high)!),
      unit: 'req/s',
      baseline: { label: `${low} connections`, value: at50.value },
      target: { op: '>=', value: 1 },
    });
    for (const c of CONCURRENCIES)
      note(
        `gamepipe at ${c} connections, rounds: ${gp
          .get(c)!
          .map((r) => r.line)
          .join('; ')}`,
      );
    if (seed) {
      const seed50 = figure({
        label: `seed's Flask app at ${low} connections`,
        value: rate(sd.get(low)!),
        unit: 'req/s',
      });
      const seed256 = figure({
        label: `seed's Flask app at ${high} connections`,
        value: rate(sd.get(high)!),
        unit: 'req/s',
      });
      note(`gamepipe at ${low} connections = ${fmt(at50.value / seed50.value, 1)}x the seed`);
      figure({
        label: `/buy/sword at ${high}, against the seed`,
        value: rate(gp.get(high)!),
        unit: 'req/s',
        baseline: { label: `the seed at ${high}`, value: seed256.value },
        target: { op: '>=', value: SEED_MULTIPLE },
      });
      for (const c of CONCURRENCIES)
        note(
          `seed at ${c} connections, rounds: ${sd
            .get(c)!
            .map((r) => r.line)
            .join('; ')}`,
        );
    }
    figure({ label: 'peak RSS of serve', value: peakRssMb(server.child.pid!), unit: 'MB' });
  } finally {
    await seed?.stop();
  }
}
