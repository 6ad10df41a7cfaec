import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import type { LoadSummary } from '../../src/load/load-summary.js';
import type { StateStore } from '../../src/state/state-store.js';
import { GAMEPIPE_BIN, gamepipe, gamepipeInBackground, killIfRunning, type Background } from '../helpers/cli.js';
import { eventuallyLakeEqualsRun, readRun } from '../helpers/lake-equals-run.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { assertEventsBackedByState } from './events-backed-by-state.js';

/** Listens on `port` (0: any) for a moment; the port it got, or null when it is taken. */
function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const got = (server.address() as { port: number }).port;
      server.close(() => resolve(got));
    });
  });
}

/**
 * Ports for services a test stops and starts again on the same port are taken below Linux's
 * ephemeral range (32768 and up): no outgoing connection or port-0 listener of a test running
 * beside it is handed one meanwhile. One was, under the three test groups at once: a private
 * broker's resume failed with "Address already in use".
 */
const FIXED_PORTS = { from: 20_000, count: 12_000 };

/** A TCP port nothing listens on now, below the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = await tryPort(FIXED_PORTS.from + Math.floor(Math.random() * FIXED_PORTS.count));
    if (port !== null) return port;
  }
  throw new Error('no free TCP port');
}

/** A free port whose next one is free too (a private Kafka broker's controller listens there). */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if ((await tryPort(port + 1)) !== null) return port;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `gamepipe serve` on a fixed port, so that a restarted server is where the load sends. */
export const serve = (port: number, flags: string[], env?: NodeJS.ProcessEnv): Promise<Background> =>
  gamepipeInBackground(['serve', '--host', '127.0.0.1', '--port', String(port), ...flags], 'listening on', { env });

/** The writers of every table, batching often so that faults land mid-batch. */
export const writers = (flags: string[], env?: NodeJS.ProcessEnv): Promise<Background> =>
  gamepipeInBackground(['stream', 'all', '--trigger', '200ms', '--max-batch', '500', ...flags], 'started, writing to', {
    env,
  });

export interface LoadRun {
  /** Asks the run to end (Ctrl-C): it waits for nothing more and writes its run.json. */
  stop(): void;
  /** The exit code and stderr once the run ended. */
  done: Promise<{ code: number | null; stderr: string }>;
}

/** `gamepipe load --out <runFile> …` in the background; SIGKILLed when the test file ends if still running. */
export function loadInBackground(url: string, runFile: string, args: string[]): LoadRun {
  const child = spawn(process.execPath, [GAMEPIPE_BIN, 'load', '--url', url, '--out', runFile, '--json', ...args], {
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  after(() => killIfRunning(child));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stderr })),
  );
  return {
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    },
    done,
  };
}

/** How many events of a type the server appended since it started, from its /metrics; 0 when it does not answer. */
export async function appendedSinceStart(url: string, eventType: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`gamepipe_events_appended_total{event_type="${eventType}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  } catch {
    return 0;
  }
}

/** Waits until the server has appended at least `n` purchases: the load is past its signups and buying. */
export async function untilBuying(url: string, n = 1, timeoutMs = 60_000): Promise<void> {
  let bought = 0;
  const poll = async () => {
    bought = await appendedSinceStart(url, 'buy_item');
    return bought >= n;
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await poll())) {
    if (Date.now() > deadline) throw new Error(`the load did not start buying at ${url} within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** A pipeline under load: `gamepipe serve` on a fixed port, the writers, and `gamepipe load` writing `runFile`. */
export interface PipelineUnderLoad {
  port: number;
  url: string;
  runFile: string;
  server: Background;
  writer: Background;
  load: LoadRun;
}

export interface PipelineOptions {
  dataDir: string;
  /** The log's and the lake's flags, given to the server and the writers. */
  flags: string[];
  /** Given to the server only (its state store). */
  serverFlags?: string[];
  /** `gamepipe load`'s arguments (players, duration, connections, seed). */
  load: string[];
  /** Returns once the server has appended this many purchases (the load is past its signups). */
  buying?: number;
  buyingTimeoutMs?: number;
}

/** Starts the server, the writers and the load, and waits until the load buys. */
export async function pipelineUnderLoad(options: PipelineOptions): Promise<PipelineUnderLoad> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await serve(port, [...options.flags, ...(options.serverFlags ?? [])]);
  const writer = await writers(options.flags);
  const runFile = join(options.dataDir, 'run.json');
  const load = loadInBackground(url, runFile, options.load);
  await untilBuying(url, options.buying ?? 1, options.buyingTimeoutMs);
  return { port, url, runFile, server, writer, load };
}

/**
 * Ends the load (Ctrl-C, unless `untilItEnds`: it runs its duration out) and then the server, both
 * with status 0; the run the load wrote.
 */
export async function endLoad(pipeline: PipelineUnderLoad, { untilItEnds = false } = {}): Promise<LoadSummary> {
  if (!untilItEnds) pipeline.load.stop();
  const { code, stderr } = await pipeline.load.done;
  assert.equal(code, 0, stderr);
  assert.equal(await pipeline.server.stop(), 0);
  return readRun(pipeline.runFile);
}

/**
 * THE end of a fault case: the lake comes to equal what the run accepted (`gamepipe verify` clean,
 * no event_id twice), the writers stop with status 0, and every event in the lake is backed by the
 * state it describes. Returns the number of purchases checked against the state.
 */
export async function assertLakeEqualsAccepted(
  pipeline: PipelineUnderLoad,
  flags: string[],
  openStore: () => Promise<StateStore>,
  timeoutMs?: number,
): Promise<number> {
  await eventuallyLakeEqualsRun(pipeline.runFile, { flags }, timeoutMs);
  assert.equal(await pipeline.writer.stop(), 0);
  const store = await openStore();
  try {
    return await assertEventsBackedByState(store, flags);
  } finally {
    await store.close();
  }
}

/** A data dir and a topic of 3 partitions, replication factor 3, created on the test cluster; the flags naming them. */
export function clusterTopic(brokers: string, prefix: string): { dataDir: string; topic: string; flags: string[] } {
  const dataDir = tempDir();
  const topic = uniqueName(prefix);
  const flags = ['--data-dir', dataDir, '--kafka-brokers', brokers, '--topic', topic];
  const created = gamepipe(['topic', 'create', '--partitions', '3', '--replication-factor', '3', ...flags]);
  assert.equal(created.status, 0, created.stderr);
  return { dataDir, topic, flags };
}
