import type { Config } from '../config/config-fields.js';
import { deploymentOf } from '../config/deployment.js';
import { isGamepipeError } from '../errors.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { declareLakeTables } from '../sql/declare-lake-tables.js';
import { allTableSpecs } from '../sql/lake-tables.js';
import { openTableRegistry } from '../sql/open-query-engine.js';
import { defaultBatching, streamDefaults } from '../streaming/batching.js';
import { StreamWriter } from '../streaming/stream-writer.js';

/** Resolves when the configured lake answers; its one-line error otherwise. */
export async function pingLake(config: Config): Promise<void> {
  const storage = await openLakeStorage(config);
  try {
    await storage.ping();
  } finally {
    await storage.close();
  }
}

export type Landing = { landed: number; lake: string } | { runningWriter: string };

/**
 * Lands what is waiting in the log, as `gamepipe stream all --once` would, after declaring the
 * tables (as `tables create` does, in the deployment's table format): so that `simulate` then `report` works with nothing else running. When a stream writer
 * already owns the tables (`up`, or `stream all`), it lands them itself: nothing is done here.
 */
export async function landSimulation(config: Config): Promise<Landing> {
  const storage = await openLakeStorage(config);
  await storage.ping();
  const registry = await openTableRegistry(config, storage);
  try {
    // In the deployment's table format: Iceberg tables on `--table-format iceberg`, never Hive tables over them.
    await declareLakeTables(config, registry, storage, allTableSpecs);
    let landed = 0;
    let writer: StreamWriter;
    try {
      writer = await StreamWriter.open(config, {
        ...streamDefaults,
        deployment: deploymentOf(config),
        triggerMs: defaultBatching(deploymentOf(config)).triggerMs,
        target: 'all',
        once: true,
        parquetWriter: 'auto',
        storage,
        registry,
        onProgress: (p) => (landed += p.rowsWritten),
      });
    } catch (error) {
      if (isGamepipeError(error) && error.code === 'DATA_DIR_LOCKED') return { runningWriter: error.message };
      throw error;
    }
    try {
      await writer.run();
    } finally {
      await writer.close();
    }
    return { landed, lake: storage.uri };
  } finally {
    await registry.close();
  }
}
