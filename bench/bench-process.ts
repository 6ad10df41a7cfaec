import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GAMEPIPE_BIN = fileURLToPath(new URL('../../bin/gamepipe.js', import.meta.url));

export const benchDir = (label: string): string => mkdtempSync(join(tmpdir(), `gamepipe-bench-${label}-`));

export interface RunningCommand {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `gamepipe <args>` and waits for its "listening on <url>" line. */
export async function startGamepipe(args: string[], cwd: string): Promise<RunningCommand> {
  const child = spawn(process.execPath, [GAMEPIPE_BIN, ...args, '--port', '0'], {
    cwd,
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`gamepipe ${args.join(' ')} exited ${code}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The middle value; for an even count, the mean of the two middle ones (`percentile(…, 0.5)` takes the lower). */
/** CPU seconds a process has used so far (user + system), from /proc: Linux counts them in ticks of 1/100 s (USER_HZ). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[Math.floor(middle)]!;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}
