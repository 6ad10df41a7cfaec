import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { GameReport } from '../../src/report/game-report.js';
import { renderReportText } from '../../src/report/render-report-text.js';
import type { SimulationResult } from '../../src/simulate/run-simulation.js';
import { gamepipe as runGamepipe } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { assertReportMatchesSimulation } from './report-expectations.js';
import { createTables, streamOnce, testConfig } from './simulated-lake.js';

/** `gamepipe simulate|report …`, stdout a pipe (so 80 columns). */
function gamepipe(args: string[]) {
  const run = runGamepipe(args);
  assert.equal(run.status, 0, run.stderr);
  return run;
}

const widest = (text: string) => Math.max(...text.split('\n').map((line) => [...line].length));

describe('gamepipe report in a terminal', () => {
  it('prints every metric as aligned tables with bar charts, no line longer than 80 columns, and the same figures as --format json and simulate --json', async () => {
    const dataDir = tempDir();
    const simulation = JSON.parse(
      gamepipe(['simulate', '--days', '7', '--players', '300', '--seed', '42', '--json', '--data-dir', dataDir]).stdout,
    ) as SimulationResult;
    const simulateText = gamepipe([
      'simulate',
      '--days',
      '2',
      '--players',
      '50',
      '--seed',
      '1',
      '--player-prefix',
      'other',
      '--data-dir',
      tempDir(),
    ]).stdout;
    assert.match(
      simulateText,
      /wrote [\d,]+ events in [\d.]+ s to the embedded log \(topic events\):\n {2}signup 50, login [\d,]+, buy_item [\d,]+, join_guild [\d,]+\n/,
    );
    assert.ok(widest(simulateText) <= 80, simulateText);
    await streamOnce(dataDir);
    await createTables(testConfig(dataDir));

    const html = join(dataDir, 'report.html');
    const text = gamepipe(['report', '--data-dir', dataDir, '--html', html]);
    assert.ok(widest(text.stdout) <= 80, `a line is ${widest(text.stdout)} columns:\n${text.stdout}`);
    for (const title of [
      'Active players per day',
      'Purchases and revenue per day',
      'Retention by sign-up cohort',
      'Revenue by item',
      'Revenue by quality',
      'Paying players',
      'From sign-up to first purchase',
      'Guilds',
    ]) {
      assert.ok(text.stdout.includes(`\n${title}`), `section "${title}"`);
    }
    assert.match(text.stdout, /█/, 'bar charts');
    assert.match(text.stderr, /HTML report written to/);
    assert.ok(existsSync(html) && readFileSync(html, 'utf8').includes('new Chart('));

    const report = JSON.parse(
      gamepipe(['report', '--format', 'json', '--since', '30d', '--data-dir', dataDir]).stdout,
    ) as GameReport;
    assertReportMatchesSimulation(report, simulation);
    const totalRevenue = report.summary.revenue.toLocaleString('en-US', { minimumFractionDigits: 2 });
    assert.match(text.stdout, new RegExp(`revenue +${totalRevenue}\n`), 'the total revenue in the summary');

    for (const width of [60, 100, 200])
      assert.ok(widest(renderReportText(report, width)) <= width, `fits ${width} columns`);
  });

  it('says in one line what is missing: the tables, or any activity since --since', async () => {
    const dataDir = tempDir();
    gamepipe(['simulate', '--days', '1', '--players', '3', '--seed', '1', '--no-land', '--data-dir', dataDir]);
    const run = runGamepipe(['report', '--data-dir', dataDir]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^gamepipe: .*events_user.*\(create it with: gamepipe tables create all\)\n$/);

    await streamOnce(dataDir);
    await createTables(testConfig(dataDir));
    const later = gamepipe(['report', '--since', '2099-01-01', '--data-dir', dataDir]);
    assert.equal(
      later.stdout,
      'No player activity since 2099-01-01 (engine duckdb).\nSimulate a month with: gamepipe simulate, then gamepipe stream all --once\n',
    );
  });

  it('simulate, then report, with nothing else running: simulate lands what it wrote, so the report has the month', () => {
    const dataDir = tempDir();
    const simulated = gamepipe([
      'simulate',
      '--days',
      '3',
      '--players',
      '40',
      '--seed',
      '7',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    assert.match(simulated.stderr, /^gamepipe simulate: landed [\d,]+ rows in file:\/\/.*; next: gamepipe report\n$/);
    const written = JSON.parse(simulated.stdout) as SimulationResult;
    const report = JSON.parse(gamepipe(['report', '--format', 'json', '--data-dir', dataDir]).stdout) as GameReport;
    assertReportMatchesSimulation(report, written);
  });
});
