import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { acquireDirLock } from '../../src/util/dir-lock.js';
import { gamepipe, gamepipeInBackground } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

it("a second process on the data dir is refused; a dead process's lock on this host is taken over, old or new format", () => {
  const dir = tempDir();
  const release = acquireDirLock(dir, 'serve', 'gamepipe serve');
  assert.throws(() => acquireDirLock(dir, 'serve', 'gamepipe up'), {
    code: 'DATA_DIR_LOCKED',
    message: new RegExp(`^gamepipe serve is already running on ${dir} \\(pid ${process.pid}\\)$`),
  });
  release();
  assert.equal(existsSync(join(dir, 'serve.lock')), false);

  for (const stale of [
    String(deadPid()),
    JSON.stringify({ pid: deadPid(), host: hostname(), what: 'gamepipe serve' }),
  ]) {
    writeFileSync(join(dir, 'serve.lock'), stale);
    const took = acquireDirLock(dir, 'serve', 'gamepipe serve');
    assert.equal(JSON.parse(readFileSync(join(dir, 'serve.lock'), 'utf8')).pid, process.pid);
    took();
  }
});

it('a lock from another host is never taken as stale: serve refuses in one line naming that host', async () => {
  const dir = tempDir();
  const foreign = JSON.stringify({ pid: deadPid(), host: 'game-host-7', what: 'gamepipe serve' });
  writeFileSync(join(dir, 'serve.lock'), foreign);
  assert.throws(() => acquireDirLock(dir, 'serve', 'gamepipe serve'), {
    code: 'DATA_DIR_LOCKED',
    message: /on host game-host-7 \(pid \d+\); the embedded mode runs on one host only$/,
  });
  const serve = gamepipe(['serve', '--port', '0', '--data-dir', dir]);
  assert.equal(serve.status, 1);
  assert.match(
    serve.stderr,
    /^gamepipe: \S+ belongs to gamepipe serve on host game-host-7 \(pid \d+\); the embedded mode runs on one host only \(to serve from several hosts use Redis and Kafka [^\n]*\)\n$/,
  );
  assert.equal(readFileSync(join(dir, 'serve.lock'), 'utf8'), foreign, 'the lock is left as it was');
});

it("a second gamepipe serve on a running server's data dir says so in one line and leaves the first serving", async () => {
  const dir = tempDir();
  const first = await gamepipeInBackground(
    ['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dir],
    'listening on',
  );
  try {
    const second = gamepipe(['serve', '--port', '0', '--data-dir', dir]);
    assert.equal(second.status, 1);
    assert.match(
      second.stderr,
      /^gamepipe: gamepipe serve is already running on \S+ \(pid \d+\) \(stop it first, or give this one another --data-dir\)\n$/,
    );
    const url = /listening on (\S+)/.exec(first.output())![1]!;
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  } finally {
    assert.equal(await first.stop(), 0);
  }
});
