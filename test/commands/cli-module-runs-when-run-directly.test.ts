import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI_MODULE = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

it('node dist/src/cli.js runs the CLI as bin/gamepipe.js does, instead of exiting silently', () => {
  const version = spawnSync(process.execPath, [CLI_MODULE, '--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const unknown = spawnSync(process.execPath, [CLI_MODULE, 'no-such-command'], { encoding: 'utf8' });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command 'no-such-command'/);
});
