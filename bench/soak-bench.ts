import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadSummary } from '../src/load/load-summary.js';
import { benchDir, fmt, GAMEPIPE_BIN, startGamepipe } from './bench-process.js';

/** `SOAK_MINUTES=1 npm run bench -- soak` for a short run; the issue's soak is 10 minutes. */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const PROBE_SECONDS = Number(process.env.SOAK_PROBE_SECONDS ?? 10);
const SHARE = 0.8;
const PLAYERS = 50;

const gamepipe = (args: string[]) =>
  spawnSync(process.execPath, [GAMEPIPE_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'error' },
    maxBuffer: 64 * 1024 * 1024,
  });

/** Resident memory of a process, in MiB, from /proc. */
const rssMib = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** One `gamepipe load` run of purchases (the players log in again each run: same prefix). */
function load(url: string, dir: string, name: string, args: string[]): LoadSummary {
  const out = join(dir, `${name}.json`);
  const result = gamepipe([
    'load',
    '--url',
    url,
    '--players',
    String(PLAYERS),
    '--player-prefix',
    'soak',
    '--mix',
    'buy=100',
    '--out',
    out,
    ...args,
  ]);
  if (result.status !== 0) throw new Error(`gamepipe load failed: ${result.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8')) as LoadSummary;
}

const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

/** The lake's rows per event type and per item, and rows sharing an event_id, through `gamepipe query`. */
function lakeCounts(dataDir: string): {
  events: Record<string, number>;
  items: Record<string, number>;
  duplicates: number;
} {
  gamepipe(['tables', 'create', 'all', '--data-dir', dataDir]);
  const all = 'select event_type, event_id from events_buy union all select event_type, event_id from events_user';
  const result = gamepipe([
    'query',
    '--format',
    'csv',
    '--data-dir',
    dataDir,
    `select 'event', event_type, count(*) from (${all}) group by 2 union all select 'item', item_type, count(*) from events_buy group by 2
     union all select 'duplicates', '', count(*) - count(distinct event_id) from (${all})`,
  ]);
  if (result.status !== 0) throw new Error(`gamepipe query failed: ${result.stderr}`);
  const counts = { events: {} as Record<string, number>, items: {} as Record<string, number>, duplicates: -1 };
  for (const [kind, key, n] of result.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))) {
    if (kind === 'event') counts.events[key!] = Number(n);
    else if (kind === 'item') counts.items[key!] = Number(n);
    else counts.duplicates = Number(n);
  }
  return counts;
}

const same = (a: Record<string, number>, b: Record<string, number>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * The embedded default (server + writers) under purchases: the highest rate it takes for a short
 * probe, then 80% of it held for SOAK_MINUTES, one load run per minute, printing each minute's
 * latency and the server's and writer's resident memory. Ends by checking the lake holds exactly
 * what the server accepted (per event type and item, no event twice).
 */
export async function soakBench(): Promise<void> {
  const dataDir = benchDir('soak');
  console.log(
    `# soak: embedded default, server + writers, ${PLAYERS} players buying; probe ${PROBE_SECONDS}s, then ${SHARE * 100}% of it for ${MINUTES} min`,
  );
  const server = await startGamepipe(['serve', '--data-dir', dataDir], process.cwd());
  const writer = spawn(process.execPath, [GAMEPIPE_BIN, 'stream', 'all', '--data-dir', dataDir], {
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const writerExited = new Promise((resolve) => writer.once('exit', resolve));
  try {
    const accepted = { events: {} as Record<string, number>, items: {} as Record<string, number> };
    let unanswered = 0;
    const tally = (s: LoadSummary) => {
      add(accepted.events, s.accepted.events);
      add(accepted.items, s.accepted.items);
      unanswered += s.unanswered;
    };
    const probe = load(server.url, dataDir, 'probe', ['--duration', `${PROBE_SECONDS}s`, '--connections', '50']);
    tally(probe);
    const rate = Math.max(1, Math.floor(probe.requests_per_s * SHARE));
    console.log(
      `  max: ${fmt(probe.requests_per_s)} buys/s (p50 ${probe.latency_ms.p50} ms, p99 ${probe.latency_ms.p99} ms); holding ${fmt(rate)} buys/s`,
    );
    console.log('  minute   buys/s   p50 ms   p99 ms   max ms   server RSS MiB   writer RSS MiB');
    for (let minute = 1; minute <= MINUTES; minute++) {
      const run = load(server.url, dataDir, `minute-${minute}`, [
        '--duration',
        '60s',
        '--connections',
        '20',
        '--rate',
        String(rate),
      ]);
      tally(run);
      const cells = [
        String(minute).padStart(6),
        fmt(run.requests_per_s).padStart(8),
        String(run.latency_ms.p50).padStart(8),
        String(run.latency_ms.p99).padStart(8),
        String(run.latency_ms.max).padStart(8),
      ];
      console.log(
        `  ${cells.join(' ')}   ${fmt(rssMib(server.child.pid!), 1).padStart(14)}   ${fmt(rssMib(writer.pid!), 1).padStart(14)}`,
      );
    }
    const landed = Object.fromEntries(Object.entries(accepted.events).filter(([type]) => type !== 'default'));
    const wanted = Object.values(landed).reduce((n, v) => n + v, 0);
    let lake = lakeCounts(dataDir);
    for (
      const deadline = Date.now() + 120_000;
      Date.now() < deadline && Object.values(lake.events).reduce((n, v) => n + v, 0) < wanted;
    ) {
      await new Promise((r) => setTimeout(r, 2000));
      lake = lakeCounts(dataDir);
    }
    const equal =
      unanswered === 0 && lake.duplicates === 0 && same(lake.events, landed) && same(lake.items, accepted.items);
    console.log(
      `  lake equals the accepted totals: ${equal ? 'yes' : 'NO'} (${fmt(wanted)} events accepted, ${unanswered} unanswered, ${lake.duplicates} duplicate event_ids)`,
    );
    if (!equal) {
      console.log(
        `    accepted ${JSON.stringify({ events: landed, items: accepted.items })}\n    lake     ${JSON.stringify(lake)}`,
      );
      process.exitCode = 1;
    }
    // What the server counted since it started is the whole soak: verify reconciles it with the log and the lake.
    const verified = spawnSync(
      process.execPath,
      [GAMEPIPE_BIN, 'verify', '--data-dir', dataDir, '--metrics-url', `${server.url}/metrics`],
      { encoding: 'utf8' },
    );
    console.log(`  gamepipe verify: ${verified.status === 0 ? 'clean' : `exit ${verified.status}`}`);
    if (verified.status !== 0) {
      console.log(verified.stdout + verified.stderr);
      process.exitCode = 1;
    }
  } finally {
    writer.kill('SIGINT');
    await writerExited;
    await server.stop();
  }
}
