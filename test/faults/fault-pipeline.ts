import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { after } from 'node:test';
import { GAMEPIPE_BIN, gamepipeInBackground, killIfRunning, type Background } from '../helpers/cli.js';

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

/** A TCP port nothing listens on now. */
export async function freePort(): Promise<number> {
  const port = await tryPort(0);
  if (port === null) throw new Error('no free TCP port');
  return port;
}

/** A free port whose next one is free too (a private Kafka broker's controller listens there). */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65535 && (await tryPort(port + 1)) !== null) return port;
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
