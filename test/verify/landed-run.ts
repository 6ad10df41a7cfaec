import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadSummary } from '../../src/load/load-summary.js';
import type { EventTrace } from '../../src/verify/trace-event.js';
import type { VerifyReport } from '../../src/verify/verify-report.js';
import { gamepipe, gamepipeInBackground } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A load run's traffic, landed: the server stopped, every writer caught up in small batches (several files per table), the tables declared. */
export interface LandedRun {
  cwd: string;
  /** Where the log and the lake are (none for the embedded ones under the data dir). */
  lakeFlags: string[];
  summary: LoadSummary;
}

/** `lakeFlags` name where the log and the lake are (every command gets them); `prepare` runs first (e.g. `topic create`). */
export async function landedRun(lakeFlags: string[] = [], requests = 600, prepare?: string[]): Promise<LandedRun> {
  const cwd = tempDir();
  if (prepare) assert.equal(gamepipe(prepare, { cwd }).status, 0);
  const server = await gamepipeInBackground(['serve', '--port', '0', ...lakeFlags], 'listening on', { cwd });
  try {
    const url = /listening on (\S+)/.exec(server.output())![1]!.replace('localhost', '127.0.0.1');
    const load = gamepipe(
      ['load', '--url', url, '--players', '15', '--requests', String(requests), '--seed', '7', '--out', 'run.json'],
      { cwd },
    );
    assert.equal(load.status, 0, load.stderr);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const stream = gamepipe(['stream', 'all', '--once', '--max-batch', '80', ...lakeFlags], { cwd });
  assert.equal(stream.status, 0, stream.stderr);
  const tables = gamepipe(['tables', 'create', 'all', ...lakeFlags], { cwd });
  assert.equal(tables.status, 0, tables.stderr);
  return { cwd, lakeFlags, summary: JSON.parse(readFileSync(join(cwd, 'run.json'), 'utf8')) as LoadSummary };
}

/** A copy of the run's data directory and run.json, to damage without touching the others. */
export function copyOf(run: LandedRun): LandedRun {
  const cwd = tempDir();
  cpSync(run.cwd, cwd, { recursive: true });
  return { ...run, cwd };
}

export const localLake = (run: LandedRun) => join(run.cwd, '.gamepipe', 'lake');

/** `gamepipe verify --against run.json --json`: its exit status and report. */
export function verify(
  run: LandedRun,
  args: string[] = ['--against', 'run.json'],
): { status: number | null; report: VerifyReport & { clean: boolean }; stderr: string } {
  const result = gamepipe(['verify', '--json', ...args, ...run.lakeFlags], { cwd: run.cwd });
  assert.ok(result.stdout.trim() !== '', `verify printed no report (exit ${result.status}): ${result.stderr}`);
  return {
    status: result.status,
    report: JSON.parse(result.stdout) as VerifyReport & { clean: boolean },
    stderr: result.stderr,
  };
}

export function trace(run: LandedRun, eventId: string): { status: number | null; trace: EventTrace } {
  const result = gamepipe(['trace', eventId, '--json', ...run.lakeFlags], { cwd: run.cwd });
  assert.ok(result.stdout.trim() !== '', `trace printed nothing (exit ${result.status}): ${result.stderr}`);
  return { status: result.status, trace: JSON.parse(result.stdout) as EventTrace };
}

/** The findings of one kind, as `where: what` lines (for readable assertion messages). */
export const findingsOf = (report: VerifyReport, kind: string) => report.findings.filter((f) => f.kind === kind);
