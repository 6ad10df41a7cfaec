import { randomBytes } from 'node:crypto';
import { GamepipeError } from '../errors.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';

/** Where replays are recorded, beside the lake's other bookkeeping (`_positions/`, `_locks/`). */
export const REPLAYS_DIR = '_replays';

/** One dead letter replayed: which one, and the record appended to the log for it. */
export interface ReplayItem {
  /** The dead letter, `<partition>:<offset>`. */
  deadLetter: string;
  writer: string;
  eventId: string;
  key: string | null;
  value: string;
}

/**
 * A replay, written before its records are appended (`pending`, with the log's end offsets then)
 * and marked `done` once they are in the log. A replay stopped between the two is finished by the
 * next one: it looks for the items' event ids in the log after `logEndBefore`, appends only the
 * ones it does not find, and marks the ledger done. So each dead letter is appended once.
 */
export interface ReplayLedger {
  id: string;
  createdAt: string;
  state: 'pending' | 'done';
  topic: string;
  /** The log's end offsets per partition just before the append: the replayed records are after them. */
  logEndBefore: Record<string, number>;
  /** What the fix was, for the record (the command line's --set/--unset/--patch). */
  fix: string;
  items: ReplayItem[];
}

const pathOf = (id: string) => `${REPLAYS_DIR}/${id}.json`;

export const newLedgerId = (now = Date.now()): string =>
  `${new Date(now).toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;

function parseLedger(path: string, bytes: Buffer): ReplayLedger {
  try {
    const ledger = JSON.parse(bytes.toString('utf8')) as ReplayLedger;
    if (
      typeof ledger.id === 'string' &&
      Array.isArray(ledger.items) &&
      (ledger.state === 'pending' || ledger.state === 'done')
    )
      return ledger;
  } catch {
    // reported below
  }
  throw new GamepipeError('LAKE_ERROR', `${path} is not a replay ledger gamepipe wrote; move it aside to go on`);
}

/** Every replay ledger of the lake, oldest first. */
export async function readLedgers(storage: LakeStorage): Promise<ReplayLedger[]> {
  const entries = (await storage.list(REPLAYS_DIR)).filter((e) => e.name.endsWith('.json') && !e.name.startsWith('.'));
  const ledgers: ReplayLedger[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const bytes = await storage.read(`${REPLAYS_DIR}/${entry.name}`);
    if (bytes) ledgers.push(parseLedger(entry.name, bytes));
  }
  return ledgers;
}

/** Records a new replay before anything is appended: never overwrites a ledger. */
export const writePendingLedger = (storage: LakeStorage, ledger: ReplayLedger): Promise<void> =>
  storage.create(pathOf(ledger.id), Buffer.from(`${JSON.stringify(ledger, null, 1)}\n`));

/** Marks a replay done: its records are all in the log. */
export const markLedgerDone = (storage: LakeStorage, ledger: ReplayLedger): Promise<void> =>
  storage.replace(pathOf(ledger.id), Buffer.from(`${JSON.stringify({ ...ledger, state: 'done' }, null, 1)}\n`));
