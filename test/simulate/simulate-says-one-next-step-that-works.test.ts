import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { gamepipe } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const simulate = (dataDir: string, ...flags: string[]) =>
  gamepipe(['simulate', '--days', '2', '--players', '20', '--seed', '3', '--data-dir', dataDir, ...flags]);

const parquetFiles = (dataDir: string) =>
  readdirSync(join(dataDir, 'lake'), { recursive: true }).filter((f) => String(f).endsWith('.parquet'));

/** The `next:` steps in what a command printed. */
const nextSteps = (text: string) => text.match(/next: [^\n]*/g) ?? [];

it('simulate names one next step, gamepipe report once it landed the events, and that report runs', () => {
  const dataDir = tempDir();
  const simulated = simulate(dataDir);
  assert.equal(simulated.status, 0, simulated.stderr);
  assert.deepEqual(nextSteps(simulated.stdout + simulated.stderr), ['next: gamepipe report']);
  assert.match(simulated.stderr, /^gamepipe simulate: landed [\d,]+ rows in file:\/\/\S+; next: gamepipe report\n$/);
  const report = gamepipe(['report', '--data-dir', dataDir]);
  assert.equal(report.status, 0, report.stderr);
  assert.match(report.stdout, /DAU/);
});

it('with --no-land the one next step is the writer that lands the events, and it lands them', () => {
  const dataDir = tempDir();
  const simulated = simulate(dataDir, '--no-land');
  assert.equal(simulated.status, 0, simulated.stderr);
  assert.deepEqual(nextSteps(simulated.stdout + simulated.stderr), ['next: gamepipe stream all --once']);
  const step = gamepipe(['stream', 'all', '--once', '--data-dir', dataDir]);
  assert.equal(step.status, 0, step.stderr);
  assert.ok(parquetFiles(dataDir).length > 0, 'the events landed as Parquet');
});

it('on --table-format iceberg it declares Iceberg tables only (no Hive declaration in the lake), and the report reads them', () => {
  const dataDir = tempDir();
  const simulated = simulate(dataDir, '--table-format', 'iceberg');
  assert.equal(simulated.status, 0, simulated.stderr);
  assert.equal(existsSync(join(dataDir, 'lake', '_catalog.json')), false, 'no Hive tables declared over Iceberg ones');
  assert.ok(existsSync(join(dataDir, 'lake', 'events_buy', 'metadata', 'version-hint.text')));
  const report = gamepipe(['report', '--data-dir', dataDir, '--table-format', 'iceberg']);
  assert.equal(report.status, 0, report.stderr);
  assert.match(report.stdout, /DAU/);
});
