import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from './process-alive.js';
import { GamepipeError } from '../errors.js';

/**
 * Claims `<dir>/<name>.lock` for this process, so that two processes never write the same files.
 * A lock left by a process that has died is taken over. Returns the release function.
 */
export function acquireDirLock(dir: string, name: string, what: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && (holder === process.pid || isProcessAlive(holder))) {
        throw new GamepipeError('DATA_DIR_LOCKED', `${what} is already running on ${dir} (pid ${holder})`, {
          hint: 'stop it first, or give this one another --data-dir',
        });
      }
      rmSync(path, { force: true });
    }
  }
  throw new GamepipeError('DATA_DIR_LOCKED', `could not lock ${path}`);
}
