import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import type { BatchProgress } from '../../src/lake/batch/batch-progress.js';
import { deploymentOf } from '../../src/config/deployment.js';
import { defaultBatching } from '../../src/streaming/batching.js';
import { StreamWriter } from '../../src/streaming/stream-writer.js';
import { sampleRecords } from '../helpers/events.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/temp-dir.js';

it('where queries read the log tail, a batch the writer keeps up with closes at its record bound, not at its 60 s trigger', async () => {
  const dataDir = tempDir();
  const config = loadConfig({ flags: { dataDir }, env: {} });
  assert.equal(defaultBatching(deploymentOf(config)).tailBatchRecords, 50_000, 'the embedded default bounds the tail');
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  await log.append(sampleRecords(250));
  await log.close();

  const progress: BatchProgress[] = [];
  const writer = await StreamWriter.open(config, {
    deployment: deploymentOf(config),
    target: 'all',
    triggerMs: 60_000,
    once: false,
    maxBatchRecords: 10_000,
    tailBatchRecords: 100,
    maxFileRows: 10_000,
    parquetWriter: 'duckdb',
    onProgress: (p) => progress.push(p),
  });
  const running = writer.run();
  try {
    assert.ok(await eventually(() => progress.length > 0, 20_000), 'a batch landed long before the trigger');
  } finally {
    writer.stop();
    await running;
    await writer.close();
  }
  assert.equal(progress[0]!.numInputRows, 250, 'the batch took everything waiting (polls are not cut at the bound)');
});
