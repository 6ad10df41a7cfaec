import type { LogRecord } from '../eventlog/event-log.js';
import { openPersonalFields, sealedKeyIds } from '../events/personal-fields.js';

/** Where the players' keys are (the state store): only the keys that still exist are returned. */
export interface PlayerKeySource {
  keysById(ids: readonly string[]): Promise<Map<string, Buffer>>;
}

/**
 * The records with their sealed personal fields opened, before they are routed and landed. Keys
 * are asked for each poll and never kept between polls, so a key `erase` destroyed is not used
 * again: the erased player's records still in the log land under the pseudonym (never as dead letters).
 */
export async function openSealedRecords(records: LogRecord[], keys: PlayerKeySource): Promise<LogRecord[]> {
  const ids = new Set<string>();
  for (const r of records) for (const id of sealedKeyIds(r.value)) ids.add(id);
  if (ids.size === 0) return records;
  const found = await keys.keysById([...ids]);
  return records.map((r) => {
    const value = openPersonalFields(r.value, (id) => found.get(id) ?? null);
    return value === r.value ? r : { ...r, value };
  });
}
