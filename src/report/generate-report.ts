import { Catalog } from '../catalog/catalog.js';
import type { Config } from '../config/config-fields.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { openQueryEngine } from '../sql/open-query-engine.js';
import { buildReport, type GameReport } from './game-report.js';

/** The report from `since` (`YYYY-MM-DD`) on the configured engine: DuckDB over the local lake, or Trino/Presto. */
export async function generateReport(config: Config, since: string): Promise<GameReport> {
  const qualityOrder = Catalog.fromFile(config.itemCatalog).qualityNames();
  const storage = await openLakeStorage(config);
  try {
    const engine = await openQueryEngine(config, storage);
    try {
      return await buildReport(engine, { since, qualityOrder });
    } finally {
      await engine.close();
    }
  } finally {
    await storage.close();
  }
}
