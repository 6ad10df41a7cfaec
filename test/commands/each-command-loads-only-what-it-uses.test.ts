import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GAMEPIPE_BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const HOOK = fileURLToPath(new URL('./record-imports-hook.js', import.meta.url));

/** Every engine, server and UI package: what a command that does not use one must not pay for at start. */
const HEAVY = [
  'fastify',
  '@platformatic/kafka',
  'ioredis',
  '@duckdb',
  'ink',
  'react',
  'undici',
  'presto-client',
  'prom-client',
  'hyparquet',
  'parquetjs-lite',
  'autocannon',
];

/** The packages `gamepipe <args>` loaded, ESM and CommonJS, as the record-imports hook saw them. */
function packagesLoadedBy(args: string[], expectedStatus = 0): Set<string> {
  const dir = tempDir();
  const record = join(dir, 'imports.txt');
  const result = spawnSync(process.execPath, ['--import', HOOK, GAMEPIPE_BIN, ...args], {
    cwd: dir,
    env: { ...process.env, GAMEPIPE_RECORD_IMPORTS: record, GAMEPIPE_LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, expectedStatus, `gamepipe ${args.join(' ')}: ${result.stderr}`);
  const packages = new Set<string>();
  for (const line of readFileSync(record, 'utf8').split('\n')) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
    if (match) packages.add(match[1]!);
  }
  assert.ok(packages.has('commander'), 'the hook recorded the packages loaded');
  return packages;
}

const loadedAmong = (packages: Set<string>, names: string[]) =>
  [...packages].filter((p) => names.some((n) => p === n || p.startsWith(`${n}/`)));

it('--version, --help and the help of light commands load no engine, server, UI, schema or logging package', () => {
  for (const args of [
    ['--version'],
    ['--help'],
    ['help'],
    ['query', '--help'],
    ['load', '--help'],
    ['status', '--help'],
    ['tables', '--help'],
    ['verify', '--help'],
    ['trace', '--help'],
  ]) {
    assert.deepEqual(loadedAmong(packagesLoadedBy(args), [...HEAVY, 'zod', 'pino']), [], `gamepipe ${args.join(' ')}`);
  }
});

it('query on the embedded lake loads DuckDB and nothing of the server, the event log or the UI', () => {
  const packages = packagesLoadedBy(['query', 'select 42', '--data-dir', tempDir()]);
  assert.ok(packages.has('@duckdb/node-api'));
  assert.deepEqual(loadedAmong(packages, [...HEAVY.filter((p) => p !== '@duckdb'), 'zod']), []);
});

it('tables describe reads the event schemas only: no engine', () => {
  assert.deepEqual(loadedAmong(packagesLoadedBy(['tables', 'describe', 'events_buy']), HEAVY), []);
});

it('status on the embedded default loads neither the Kafka nor the Redis client, nor the schema validators', () => {
  assert.deepEqual(loadedAmong(packagesLoadedBy(['status', '--data-dir', tempDir()]), [...HEAVY, 'zod']), []);
});

it('verify on the embedded default reads Parquet footers with hyparquet, and loads no engine, server, broker or UI package', () => {
  const packages = packagesLoadedBy(['verify', '--data-dir', tempDir(), '--port', '9']);
  assert.ok(packages.has('hyparquet'));
  assert.deepEqual(
    loadedAmong(
      packages,
      HEAVY.filter((p) => p !== 'hyparquet'),
    ),
    [],
  );
});

it('trace on the embedded default loads no engine, server, broker or UI package (hyparquet reads the row)', () => {
  const eventId = '01a227e2-262a-7000-a508-ab3652dc5bba';
  assert.deepEqual(
    loadedAmong(
      packagesLoadedBy(['trace', eventId, '--data-dir', tempDir()], 3),
      HEAVY.filter((p) => p !== 'hyparquet'),
    ),
    [],
  );
});
