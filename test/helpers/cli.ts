import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

export const GAMEPIPE_BIN = fileURLToPath(new URL('../../../bin/gamepipe.js', import.meta.url));

/** The command line of `gamepipe <args>`, inside network namespace `netns` when one is named (`ip netns exec` execs it: same pid). */
const commandLine = (args: string[], netns?: string): [string, string[]] =>
  netns
    ? ['ip', ['netns', 'exec', netns, process.execPath, GAMEPIPE_BIN, ...args]]
    : [process.execPath, [GAMEPIPE_BIN, ...args]];

/** Runs `gamepipe <args>` to completion. */
export function gamepipe(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; netns?: string } = {},
): SpawnSyncReturns<string> {
  return spawnSync(...commandLine(args, options.netns), {
    cwd: options.cwd,
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'warn', ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** Runs a shell command (curl, ab, kcat...) to completion and returns its stdout; throws on a non-zero exit. */
export function sh(command: string, cwd?: string): string {
  const result = spawnSync('bash', ['-c', command], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`"${command}" exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

export interface Background {
  child: ChildProcess;
  output(): string;
  /** Sends SIGINT and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `gamepipe <args>` in the background and waits until its stdout contains `ready`. The
 * process is SIGKILLed when the test file ends if it is still running (a failed assertion before
 * `stop` must not leave a server alive that keeps the test run from ending).
 */
export async function gamepipeInBackground(
  args: string[],
  ready: string,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; netns?: string } = {},
): Promise<Background> {
  const child = spawn(...commandLine(args, options.netns), {
    cwd: options.cwd,
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  after(() => killIfRunning(child));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gamepipe ${args.join(' ')} did not get ready: ${out}`)), 30_000);
    const check = () => {
      if (out.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gamepipe ${args.join(' ')} exited ${code} before getting ready: ${out}`));
    });
  }).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    child,
    output: () => out,
    stop: async (signal = 'SIGINT') => {
      if (running(child)) child.kill(signal);
      return exited;
    },
  };
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** SIGKILLs a child that has not exited yet. */
export function killIfRunning(child: ChildProcess): void {
  if (running(child)) child.kill('SIGKILL');
}
