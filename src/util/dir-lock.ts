import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from './process-alive.js';
import { GamepipeError } from '../errors.js';

/** Who holds a lock: written into the lock file as JSON (older locks hold a bare pid of this host). */
interface LockHolder {
  pid: number;
  host: string;
  what?: string;
}

function readHolder(path: string): LockHolder | null {
  const text = readFileSync(path, 'utf8').trim();
  if (/^\d+$/.test(text)) return { pid: Number(text), host: hostname() };
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isInteger(parsed.pid) && typeof parsed.host === 'string') return parsed as LockHolder;
  } catch {
    // a torn or foreign file: treated as no holder below
  }
  return null;
}

/**
 * Claims `<dir>/<name>.lock` for this process, so that two processes never write the same files.
 * A lock left by a dead process of this host is taken over; a lock from another host (a data dir on
 * a shared disk) is never taken, since no process check can tell whether that host still writes:
 * the embedded mode is one host. Returns the release function.
 */
export function acquireDirLock(dir: string, name: string, what: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.lock`);
  const me: LockHolder = { pid: process.pid, host: hostname(), what };
  // Written whole beside the lock, then linked into place: a rival never reads a half-written lock.
  const draft = `${path}.${process.pid}`;
  writeFileSync(draft, `${JSON.stringify(me)}\n`);
  try {
    return claim(path, draft, me, dir, what);
  } finally {
    rmSync(draft, { force: true });
  }
}

function claim(path: string, draft: string, me: LockHolder, dir: string, what: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      linkSync(draft, path);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && holder.host !== me.host) {
        throw new GamepipeError(
          'DATA_DIR_LOCKED',
          `${dir} belongs to ${holder.what ?? 'a gamepipe process'} on host ${holder.host} (pid ${holder.pid}); the embedded mode runs on one host only`,
          {
            hint: `to serve from several hosts use Redis and Kafka (--redis-url, --kafka-brokers); if ${holder.host} is gone for good, remove ${path}`,
          },
        );
      }
      if (holder && holder.pid > 0 && (holder.pid === process.pid || isProcessAlive(holder.pid))) {
        throw new GamepipeError(
          'DATA_DIR_LOCKED',
          `${holder.what ?? what} is already running on ${dir} (pid ${holder.pid})`,
          {
            hint: 'stop it first, or give this one another --data-dir',
          },
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new GamepipeError('DATA_DIR_LOCKED', `could not lock ${path}`);
}
