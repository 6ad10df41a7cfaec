import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { benchDir, fmt, GAMEPIPE_BIN, percentile } from './bench-process.js';
import { figure, suite } from './figures.js';
import { fillLog } from './lake-fixture.js';

const RUNS = 7;
/** Purchases not landed yet, as a query meets them under a 200 purchases/s trickle with the writers' 30 s trigger. */
const TAIL_EVENTS = 6_000;

interface Case {
  label: string;
  args: string[];
  /** Wall-time target on the reference 2-core machine, in seconds. */
  targetS: number;
}

/** Median wall time of `node <argv>` over RUNS runs, in seconds; throws if it fails. */
function medianWallS(argv: string[]): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, argv, {
      encoding: 'utf8',
      env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'error' },
      maxBuffer: 64 * 1024 * 1024,
    });
    samples.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (result.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return percentile(samples, 0.5);
}

/** How long the command line takes to answer, start to exit, over the embedded lake of `lakeDataDir` (the stream bench's). */
export async function cliBench(lakeDataDir: string): Promise<void> {
  const dataDir = ['--data-dir', lakeDataDir];
  spawnSync(process.execPath, [GAMEPIPE_BIN, 'tables', 'create', ...dataDir], { stdio: 'ignore' });
  const cases: Case[] = [
    { label: '--version', args: ['--version'], targetS: 0.25 },
    { label: '--help', args: ['--help'], targetS: 0.25 },
    {
      label: 'query (sword count)',
      args: ['query', "select count(*) from events_buy where item_type = 'sword'", ...dataDir],
      targetS: 0.5,
    },
    { label: 'status', args: ['status', ...dataDir], targetS: 0.5 },
  ];
  suite(
    'cli',
    `wall time of gamepipe commands, start to exit, median of ${RUNS} runs (node -e 0 takes ${fmt(medianWallS(['-e', '0']), 3)} s)`,
  );
  for (const { label, args, targetS } of cases) {
    figure({
      label: `gamepipe ${label}`,
      value: medianWallS([GAMEPIPE_BIN, ...args]),
      unit: 's',
      digits: 3,
      target: { op: '<=', value: targetS },
    });
  }
  // On a copy: the lake the other suites read stays fully landed.
  const withTail = benchDir('cli-tail');
  cpSync(lakeDataDir, withTail, { recursive: true });
  try {
    await fillLog(withTail, TAIL_EVENTS);
    const sql = "select count(*) from events_buy where item_type = 'sword'";
    const wallS = medianWallS([GAMEPIPE_BIN, 'query', sql, '--data-dir', withTail]);
    figure({
      label: `gamepipe query (sword count, ${fmt(TAIL_EVENTS)} events in the log's tail)`,
      value: wallS,
      unit: 's',
      digits: 3,
      target: { op: '<=', value: 0.5 },
    });
  } finally {
    rmSync(withTail, { recursive: true, force: true });
  }
}
