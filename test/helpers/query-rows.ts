import assert from 'node:assert/strict';
import { gamepipe } from './cli.js';

/**
 * Runs `gamepipe query <sql> --format csv` and returns its rows without the header. A check built on
 * rows must not pass on no data: the query must print its header, and it must print rows unless the
 * caller says an empty answer is a real answer.
 */
export function queryRows(
  sql: string,
  options: { flags?: string[]; cwd?: string; env?: NodeJS.ProcessEnv; mayBeEmpty?: boolean } = {},
): string[][] {
  const result = gamepipe(['query', sql, '--format', 'csv', ...(options.flags ?? [])], {
    cwd: options.cwd,
    env: options.env,
  });
  assert.equal(result.status, 0, `gamepipe query failed: ${result.stderr}`);
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  assert.ok(lines.length > 0, `gamepipe query printed nothing, not even a header, for: ${sql}`);
  const rows = lines.slice(1).map((line) => line.split(','));
  if (!options.mayBeEmpty) assert.ok(rows.length > 0, `gamepipe query returned no row for: ${sql}`);
  return rows;
}

/** Rows of (key, count) as a record. */
export const asCounts = (rows: string[][]): Record<string, number> =>
  Object.fromEntries(rows.map(([k, v]) => [k!, Number(v)]));
