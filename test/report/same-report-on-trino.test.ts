import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { generateReport, generateRestatement } from '../../src/report/generate-report.js';
import { openLakeStorage } from '../../src/lake/storage/open-lake-storage.js';
import { openQueryEngine } from '../../src/sql/open-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { requireTrino, TRINO_URL } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { assertReportMatchesSimulation } from './report-expectations.js';
import { createTables, simulate, streamOnce, testConfig } from './simulated-lake.js';

const dropped: (() => Promise<void>)[] = [];
after(async () => {
  for (const drop of dropped) await drop();
});

describe("the report's SQL runs unchanged on Trino", () => {
  it('gives the same report on Trino over the Hive tables as on DuckDB, equal to what simulate wrote', async (t) => {
    if (!(await requireTrino(t))) return;
    const dataDir = tempDir();
    const beforeSimulating = Date.now() - 1000;
    const simulation = await simulate(dataDir, 7, 300, 42);
    await streamOnce(dataDir);
    const schema = uniqueName('gp_report').replace(/[^A-Za-z0-9]/g, '_');
    const trino = testConfig(dataDir, { trinoUrl: TRINO_URL, schema });
    dropped.push(async () => {
      const storage = await openLakeStorage(trino);
      const engine = await openQueryEngine(trino, storage);
      await queryAll(engine, `drop schema if exists hive.${schema} cascade`).finally(() => engine.close());
      await storage.close();
    });
    await createTables(trino);
    await createTables(testConfig(dataDir));

    const onTrino = await generateReport(trino, simulation.firstDay);
    assert.equal(onTrino.engine, 'trino');
    assertReportMatchesSimulation(onTrino, simulation);
    const onDuckdb = await generateReport(testConfig(dataDir), simulation.firstDay);
    assert.deepEqual(
      { ...onTrino, engine: 'duckdb' },
      onDuckdb,
      'every figure, ratio and share the same on both engines',
    );

    // --changes-since: every event of the week arrived after this time, so each day is restated from nothing.
    const restatedOnTrino = await generateRestatement(trino, simulation.firstDay, beforeSimulating);
    const restatedOnDuckdb = await generateRestatement(testConfig(dataDir), simulation.firstDay, beforeSimulating);
    assert.equal(restatedOnTrino.lateEvents, simulation.summary.events, 'every event arrived late');
    assert.ok(restatedOnTrino.days.every((d) => d.dau.before === 0 && d.dau.now > 0));
    assert.deepEqual(
      { ...restatedOnTrino, engine: 'duckdb' },
      restatedOnDuckdb,
      'the same restatement on both engines',
    );
  });
});
