import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import { ICEBERG_INTENT_DIR } from '../write/multi-table-intent.js';

/**
 * Every string the writers' pending multi-table commits (`_iceberg_wal/`) hold: the data files a
 * recovery will still commit, however old, which no cleanup may delete. A torn intent names nothing
 * its writer will commit.
 */
export async function pendingIntentPaths(storage: LakeStorage): Promise<Set<string>> {
  const paths = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') paths.add(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const entry of await storage.list(ICEBERG_INTENT_DIR)) {
    if (entry.isDirectory || !entry.name.endsWith('.json')) continue;
    const bytes = await storage.read(entry.path);
    try {
      if (bytes) collect(JSON.parse(bytes.toString('utf8')));
    } catch {
      // Torn: see above.
    }
  }
  return paths;
}
