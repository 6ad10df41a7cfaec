import { REPLAYS_DIR, readLedgers, type ReplayItem } from '../deadletters/replay-ledger.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';

/** Whether a replayed record is the player's: its key, or its event's `username`. */
export function isPlayersItem(item: ReplayItem, name: string): boolean {
  if (item.key === name) return true;
  try {
    return (JSON.parse(item.value) as { username?: unknown }).username === name;
  } catch {
    return item.value.includes(name);
  }
}

function pseudonymised(item: ReplayItem, name: string, pseudonym: string): ReplayItem {
  let value: string;
  try {
    const event = JSON.parse(item.value) as Record<string, unknown>;
    if (event.username === name) event.username = pseudonym;
    delete event.user_agent;
    value = JSON.stringify(event);
  } catch {
    value = item.value.replaceAll(name, pseudonym);
  }
  return { ...item, key: item.key === name ? pseudonym : item.key, value };
}

/**
 * The dead-letter replay ledgers (`_replays/`) keep each replayed record: the player's are
 * pseudonymised like their rows (each ledger replaced atomically), and a fix given on the command
 * line that names the player is too. Ids, offsets and states are kept, so replays stay exactly-once.
 * Returns how many records were changed.
 */
export async function scrubReplayLedgers(storage: LakeStorage, name: string, pseudonym: string): Promise<number> {
  let changed = 0;
  for (const ledger of await readLedgers(storage)) {
    const hits = ledger.items.filter((i) => isPlayersItem(i, name)).length;
    const fixNames = ledger.fix.includes(name);
    if (hits === 0 && !fixNames) continue;
    const items = ledger.items.map((i) => (isPlayersItem(i, name) ? pseudonymised(i, name, pseudonym) : i));
    const fix = ledger.fix.replaceAll(name, pseudonym);
    await storage.replace(
      `${REPLAYS_DIR}/${ledger.id}.json`,
      Buffer.from(`${JSON.stringify({ ...ledger, fix, items }, null, 1)}\n`),
    );
    changed += hits;
  }
  return changed;
}
