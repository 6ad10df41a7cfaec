import { spawn } from 'node:child_process';
import { GAMEPIPE_BIN } from './cli.js';

/** Starts `gamepipe stream all --json …` and SIGKILLs it a random moment after its first committed batch; returns the batches it reported. */
export async function killStreamMidBatch(args: string[]): Promise<number> {
  const child = spawn(process.execPath, [GAMEPIPE_BIN, 'stream', 'all', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let batches = 0;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        batches += chunk
          .toString()
          .split('\n')
          .filter((l) => l.startsWith('{')).length;
        if (batches > 0) resolve();
      });
      void exited.then(() => resolve());
    });
    await new Promise((r) => setTimeout(r, Math.random() * 150));
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  return batches;
}
