import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('a test whose ab step fails ends, failed, and leaves no server running', () => {
  const pidFile = join(tempDir(), 'server.pid');
  const fixture = fileURLToPath(new URL('./failing-step-fixture.js', import.meta.url));
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // a test run of its own, not a subtest of this one
  const run = spawnSync(process.execPath, ['--test', fixture], {
    env: { ...env, GAMEPIPE_FAILING_STEP_PID_FILE: pidFile },
    encoding: 'utf8',
    timeout: 90_000,
  });
  assert.equal(run.signal, null, `the test run ended by itself instead of hanging: ${run.stdout}`);
  assert.equal(run.status, 1, 'the failed step failed its test');
  assert.match(run.stdout, /ab -n 1 .* exited/);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(pid > 0);
  assert.equal(alive(pid), false, `the server (pid ${pid}) was killed`);
});
