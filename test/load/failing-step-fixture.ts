import { writeFileSync } from 'node:fs';
import { it } from 'node:test';
import { gamepipeInBackground, sh } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Run by failed-step-leaves-no-process-running.test.ts only (it sets the variable): a test whose
 * `ab` step fails while its server runs, as a load test's does when the server misbehaves.
 */
const pidFile = process.env.GAMEPIPE_FAILING_STEP_PID_FILE;
if (pidFile) {
  it('an ab step fails while its server runs', async () => {
    const server = await gamepipeInBackground(['serve', '--port', '0', '--data-dir', tempDir()], 'listening on');
    writeFileSync(pidFile, String(server.child.pid));
    sh('ab -n 1 http://127.0.0.1:1/'); // nothing listens on port 1: ab exits non-zero, sh throws
  });
}
