import { Catalog } from '../catalog/catalog.js';
import type { Config } from '../config/config-fields.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { openQueryEngine } from '../sql/open-query-engine.js';
import type { QueryEngine } from '../sql/query-engine.js';
import { buildReport, type GameReport } from './game-report.js';
import { type Restatement, restate } from './restatement.js';

/** Runs `work` on the configured engine: DuckDB over the local lake, or Trino/Presto. */
async function onEngine<T>(config: Config, work: (engine: QueryEngine) => Promise<T>): Promise<T> {
  const storage = await openLakeStorage(config);
  try {
    const engine = await openQueryEngine(config, storage);
    try {
      return await work(engine);
    } finally {
      await engine.close();
    }
  } finally {
    await storage.close();
  }
}

/** The report from `since` (`YYYY-MM-DD`). */
export async function generateReport(config: Config, since: string): Promise<GameReport> {
  const qualityOrder = Catalog.fromFile(config.itemCatalog).qualityNames();
  return onEngine(config, (engine) => buildReport(engine, { since, qualityOrder }));
}

/** What events that arrived since `changesSince` (UTC ms) changed in the days before it, from `since` on. */
export function generateRestatement(config: Config, since: string, changesSince: number): Promise<Restatement> {
  return onEngine(config, (engine) => restate(engine, since, changesSince));
}
