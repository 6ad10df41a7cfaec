import { Catalog } from '../catalog/catalog.js';
import type { Config } from '../config/config-fields.js';
import { withQueryEngine } from '../sql/with-query-engine.js';
import { buildReport, type GameReport } from './game-report.js';
import { type Restatement, restate } from './restatement.js';

/** The report from `since` (`YYYY-MM-DD`). */
export async function generateReport(config: Config, since: string): Promise<GameReport> {
  const qualityOrder = Catalog.fromFile(config.itemCatalog).qualityNames();
  return withQueryEngine(config, (engine) => buildReport(engine, { since, qualityOrder }));
}

/** What events that arrived since `changesSince` (UTC ms) changed in the days before it, from `since` on. */
export function generateRestatement(config: Config, since: string, changesSince: number): Promise<Restatement> {
  return withQueryEngine(config, (engine) => restate(engine, since, changesSince));
}
