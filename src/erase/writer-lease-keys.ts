import { POSITIONS_DIR } from '../lake/commit/recover-positions.js';
import { LOCKS_DIR } from '../lake/commit/owner-lease.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';

/**
 * The leases the stream writers commit under (`<owner>+<partition>`): every one that has recorded
 * positions (Hive's `_positions/`, Iceberg's snapshot summaries, given as `more`) or holds a lease
 * now. Holding them all keeps every writer from committing while files are rewritten.
 */
export async function writerLeaseKeys(storage: LakeStorage, more: Iterable<string> = []): Promise<string[]> {
  const keys = new Set(more);
  for (const entry of await storage.list(POSITIONS_DIR)) {
    if (!entry.isDirectory && entry.name.endsWith('.json') && !entry.name.startsWith('.'))
      keys.add(entry.name.slice(0, -5));
  }
  for (const entry of await storage.list(LOCKS_DIR)) {
    if (!entry.isDirectory && entry.name.endsWith('.lock') && !entry.name.startsWith('.'))
      keys.add(entry.name.slice(0, -5));
  }
  return [...keys].filter((k) => /^[a-z_]+\+\d+$/.test(k)).sort();
}
