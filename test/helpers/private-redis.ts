import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { after, type TestContext } from 'node:test';
import { killIfRunning } from './cli.js';
import { eventually } from './eventually.js';
import { tempDir } from './temp-dir.js';

export interface PrivateRedis {
  url: string;
  /** Stops it as an operator would (SIGTERM: it saves and exits). */
  stop(): Promise<void>;
  /** Starts it again on the same port and files. */
  start(): Promise<void>;
}

const answers = (port: number) =>
  spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';

/**
 * A redis-server of this test alone, on its own port and files (appendonly, fsync always), so the
 * test may stop it: the shared Redis on 6379 is never touched. Killed when the test file ends.
 * Under CI a missing redis-server fails the test; elsewhere it skips.
 */
export async function privateRedis(t: TestContext, port: number): Promise<PrivateRedis | null> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    if (process.env.CI) throw new Error('redis-server is not installed');
    t.skip('redis-server is not installed');
    return null;
  }
  const dir = tempDir('gamepipe-redis-');
  let child: ChildProcess | undefined;
  const start = async () => {
    const server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    child = server;
    if (!(await eventually(() => answers(port), 15_000, 100)))
      throw new Error(`private redis-server on port ${port} did not answer`);
  };
  after(() => child && killIfRunning(child));
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop: async () => {
      const server = child!;
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    },
  };
}
