import { Catalog } from '../src/catalog/catalog.js';
import { loadConfig } from '../src/config/load-config.js';
import { openLakeStorage } from '../src/lake/storage/open-lake-storage.js';
import { generateReport } from '../src/report/generate-report.js';
import { renderReportHtml } from '../src/report/render-report-html.js';
import { renderReportText } from '../src/report/render-report-text.js';
import { runSimulation } from '../src/simulate/run-simulation.js';
import { planSimulation } from '../src/simulate/simulation-plan.js';
import { LakeCatalogRegistry } from '../src/sql/engines/lake-catalog-registry.js';
import { allTableSpecs } from '../src/sql/lake-tables.js';
import { benchDir, fmt, percentile } from './bench-process.js';
import { figure, note, suite } from './figures.js';
import { runStreamWorker } from './stream-bench.js';

const DAYS = 30;
const PLAYERS = 5000;
const RUNS = 5;
const TARGET_MS = 2000;

/** `gamepipe report` over a simulated month of 5,000 players on DuckDB: engine opened, every metric's SQL, text and HTML rendered; median of 5. */
export async function reportBench(): Promise<void> {
  const dataDir = benchDir('report');
  const config = loadConfig({ flags: { dataDir }, env: {} });
  suite(
    'report',
    `gamepipe report on DuckDB over a simulated month (${DAYS} days x ${fmt(PLAYERS)} players), median of ${RUNS} runs`,
  );
  const simulation = await runSimulation(
    config,
    planSimulation({ days: DAYS, players: PLAYERS, seed: 1, catalog: Catalog.fromFile(undefined) }),
  );
  const stream = runStreamWorker(dataDir);
  const storage = await openLakeStorage(config);
  await new LakeCatalogRegistry(storage).create(allTableSpecs);
  await storage.close();
  note(
    `simulate: ${fmt(simulation.summary.events)} events in ${fmt(simulation.seconds, 1)} s; streamed to Parquet in ${fmt(stream.seconds, 1)} s`,
  );
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const report = await generateReport(config, simulation.firstDay);
    renderReportText(report, 80);
    renderReportHtml(report);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  figure({
    label: 'whole report p50',
    value: percentile(samples, 0.5),
    unit: 'ms',
    target: { op: '<=', value: TARGET_MS },
  });
}
