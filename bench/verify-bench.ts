import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, percentile } from './bench-process.js';

const RUNS = 3;

interface WorkerFigures {
  events: number;
  seconds: number;
  maxRssMb: number;
  files?: number;
  discrepancies?: number;
}

function runWorker(script: string, dataDir: string): WorkerFigures {
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), dataDir], {
    encoding: 'utf8',
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'error' },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${script} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as WorkerFigures;
}

/** Time and peak memory of a full verify over the lake the stream bench wrote, beside reading the log alone. */
export async function verifyBench(dataDir: string): Promise<void> {
  const verifies = Array.from({ length: RUNS }, () => runWorker('./verify-worker.js', dataDir));
  const scans = Array.from({ length: RUNS }, () => runWorker('./log-scan-worker.js', dataDir));
  const { events, files, discrepancies } = verifies[0]!;
  if (discrepancies !== 0) throw new Error(`verify found ${discrepancies} discrepancies in the bench lake`);
  const p50 = (runs: WorkerFigures[]) =>
    percentile(
      runs.map((r) => r.seconds),
      0.5,
    );
  const rss = (runs: WorkerFigures[]) => Math.max(...runs.map((r) => r.maxRssMb));
  console.log(`# verify: ${fmt(events)} events, ${fmt(files!)} files, ${RUNS} runs each (clean)`);
  console.log(
    `  verify (log + every file's positions + leases, intents, catalog): p50 ${fmt(p50(verifies), 2)} s (${fmt(events / p50(verifies))} events/s), peak RSS ${fmt(rss(verifies))} MB`,
  );
  console.log(
    `  baseline, reading and parsing the log alone:                       p50 ${fmt(p50(scans), 2)} s, peak RSS ${fmt(rss(scans))} MB`,
  );
}
