import assert from 'node:assert/strict';
import { it } from 'node:test';
import { gamepipe } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

it('--query-timeout stops a DuckDB query that runs longer, in one line naming the limit as Trino does', () => {
  const result = gamepipe(['query', 'select count(*) from range(100000000000)', '--query-timeout', '300ms', '--data-dir', tempDir()]);
  assert.equal(result.status, 1);
  assert.equal(result.stderr, 'gamepipe: EXCEEDED_TIME_LIMIT: the query ran longer than 300 ms\n');
});
