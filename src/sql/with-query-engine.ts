import type { Config } from '../config/config-fields.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { openQueryEngine } from './open-query-engine.js';
import type { QueryEngine } from './query-engine.js';

/** Runs `work` on the configured engine over the configured lake, and closes both whatever happens. */
export async function withQueryEngine<T>(
  config: Config,
  work: (engine: QueryEngine, storage: LakeStorage) => Promise<T>,
): Promise<T> {
  const storage = await openLakeStorage(config);
  try {
    const engine = await openQueryEngine(config, storage);
    try {
      return await work(engine, storage);
    } finally {
      await engine.close();
    }
  } finally {
    await storage.close();
  }
}
