import { it } from 'node:test';
import { generateReport } from '../../src/report/generate-report.js';
import { KAFKA_BROKERS, requireKafka } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { assertReportMatchesSimulation } from '../report/report-expectations.js';
import { createTables, simulate, streamOnce, testConfig } from '../report/simulated-lake.js';

it('simulate writes to Kafka like the server, and the stream writers land it in its past days', async (t) => {
  if (!(await requireKafka(t))) return;
  const dataDir = tempDir();
  const kafka = { kafkaBrokers: KAFKA_BROKERS.join(','), topic: uniqueName('gp-simulate') };
  const simulation = await simulate(dataDir, 3, 120, 5, kafka);
  await streamOnce(dataDir, kafka);
  await createTables(testConfig(dataDir));
  assertReportMatchesSimulation(await generateReport(testConfig(dataDir), simulation.firstDay), simulation);
});
