import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateReport } from '../../src/report/generate-report.js';
import { tempDir } from '../helpers/temp-dir.js';
import { assertReportMatchesSimulation } from './report-expectations.js';
import { createTables, simulate, streamOnce, testConfig } from './simulated-lake.js';

describe('gamepipe report over a simulated week on DuckDB', () => {
  it('gives exactly the counts and sums simulate says it wrote (7 days x 300 players, seed 42)', async () => {
    const dataDir = tempDir();
    const simulation = await simulate(dataDir, 7, 300, 42);
    assert.ok(
      simulation.summary.byType.buy_item > 0 && simulation.summary.byType.join_guild > 0,
      'the week has purchases and guild joins',
    );
    await streamOnce(dataDir);
    await createTables(testConfig(dataDir));
    const report = await generateReport(testConfig(dataDir), simulation.firstDay);
    assert.equal(report.engine, 'duckdb');
    assertReportMatchesSimulation(report, simulation);
    assert.ok(
      report.retention.some((c) => c.d1 !== null) && report.retention.every((c) => c.d30 === null),
      'D1 observed, D30 not yet after a week',
    );
  });
});
