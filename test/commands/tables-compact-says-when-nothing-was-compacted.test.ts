import assert from 'node:assert/strict';
import { it } from 'node:test';
import { gamepipe } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

it('tables compact on a lake with no closed day says there was nothing to compact, instead of printing nothing', () => {
  const dataDir = tempDir();
  const result = gamepipe(['tables', 'compact', '--data-dir', dataDir]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(
    result.stdout,
    /^nothing to compact in .+: no closed day \(a UTC day over for --lateness, 60 min\) left to merge, switch or clean\n$/,
  );
});
