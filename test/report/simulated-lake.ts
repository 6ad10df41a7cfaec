import { Catalog } from '../../src/catalog/catalog.js';
import type { Config } from '../../src/config/config-fields.js';
import { loadConfig } from '../../src/config/load-config.js';
import { openLakeStorage } from '../../src/lake/storage/open-lake-storage.js';
import { runSimulation, type SimulationResult } from '../../src/simulate/run-simulation.js';
import { planSimulation } from '../../src/simulate/simulation-plan.js';
import { allTableSpecs } from '../../src/sql/lake-tables.js';
import { openTableRegistry } from '../../src/sql/open-query-engine.js';
import { deploymentOf } from '../../src/config/deployment.js';
import { streamDefaults } from '../../src/streaming/batching.js';
import { StreamWriter, type StreamWriterOptions } from '../../src/streaming/stream-writer.js';

/** The settings of a test: a data dir, and any other flag (`trinoUrl`, `schema`...). */
export const testConfig = (dataDir: string, flags: Record<string, string> = {}): Config =>
  loadConfig({ flags: { dataDir, ...flags }, env: {} });

/** A simulation (its last day yesterday) written to the data dir's embedded log. */
export async function simulate(
  dataDir: string,
  days: number,
  players: number,
  seed: number,
  flags: Record<string, string> = {},
): Promise<SimulationResult> {
  const plan = planSimulation({ days, players, seed, catalog: Catalog.fromFile(undefined) });
  return runSimulation(testConfig(dataDir, flags), plan);
}

/** Lands the log in the lake as `gamepipe stream all --once` does. */
export async function streamOnce(
  dataDir: string,
  flags: Record<string, string> = {},
  extra: Pick<StreamWriterOptions, 'playerKeys'> = {},
): Promise<void> {
  const config = testConfig(dataDir, flags);
  const writer = await StreamWriter.open(config, {
    ...extra,
    ...streamDefaults,
    deployment: deploymentOf(config),
    triggerMs: 250,
    target: 'all',
    once: true,
    parquetWriter: 'duckdb',
    onProgress: () => undefined,
  });
  try {
    await writer.run();
  } finally {
    await writer.close();
  }
}

/** Declares every table with their partitions, as `gamepipe tables create all` does: for DuckDB, or in Trino's metastore with `trinoUrl`. */
export async function createTables(config: Config): Promise<void> {
  const storage = await openLakeStorage(config);
  try {
    const registry = await openTableRegistry(config, storage);
    try {
      await registry.create(allTableSpecs);
      for (const spec of allTableSpecs) await registry.addPartitions(spec);
    } finally {
      await registry.close();
    }
  } finally {
    await storage.close();
  }
}
