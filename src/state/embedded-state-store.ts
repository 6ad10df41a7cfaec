import { newPlayerKey, type PlayerKey } from '../events/personal-fields.js';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { join } from 'node:path';
import { GamepipeError } from '../errors.js';
import { GroupCommitFile } from '../util/group-commit-file.js';
import { MemoryExpiringCounters } from './memory-expiring-counters.js';
import { itemField, StateImage, type JournalOp } from './journal-ops.js';
import type {
  GuildChange,
  InventoryEntry,
  ItemKey,
  PurchaseResult,
  SessionGrant,
  StateStore,
  StoreStatus,
} from './state-store.js';

/**
 * Durability of the journal: every change is written before its call resolves (a killed server
 * loses nothing) and fsynced within this window, like Redis's default `appendfsync everysec`. The
 * event log, not the state, carries the delivery promise, and it is fsynced before every answer.
 */
const JOURNAL_SYNC_MS = 1000;

/** A sliding expiry is written to the journal only when it moved this much, not on every request. */
const TOUCH_JOURNAL_STEP_MS = 60_000;

function readJournal(path: string): JournalOp[] {
  if (!existsSync(path)) return [];
  const ops: JournalOp[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      ops.push(JSON.parse(line) as JournalOp);
    } catch {
      break; // a torn last line: the write that was cut off never answered its caller
    }
  }
  return ops;
}

function writeSnapshot(path: string, ops: JournalOp[]): void {
  writeFileAtomic(path, ops.map((op) => `${JSON.stringify(op)}\n`).join(''));
}

/**
 * The embedded state store: state in memory, every change appended to `<data-dir>/state/journal`
 * (group-committed) before the call resolves, and fsynced within a second. On open the journal is replayed and
 * compacted into a snapshot. A change is applied in memory at once (so concurrent calls see each
 * other in order) and undone in memory if its journal write fails.
 */
export class EmbeddedStateStore implements StateStore {
  readonly counters = new MemoryExpiringCounters();
  private readonly image = new StateImage();
  private journal!: GroupCommitFile<JournalOp>;
  private fault: Error | null = null;
  private readonly journaledExpiry = new Map<string, number>();

  static async open(dataDir: string): Promise<EmbeddedStateStore> {
    const store = new EmbeddedStateStore();
    const dir = join(dataDir, 'state');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'journal');
    for (const op of readJournal(path)) store.image.apply(op);
    writeSnapshot(path, store.image.snapshot(Date.now()));
    store.journal = await GroupCommitFile.open<JournalOp>(path, {
      encode: (ops) => [Buffer.from(ops.map((op) => `${JSON.stringify(op)}\n`).join(''))],
      syncEveryMs: JOURNAL_SYNC_MS,
    });
    return store;
  }

  /** Test hook: while set, every change fails as if the disk had. */
  injectFault(fault: Error | null): void {
    this.fault = fault;
  }

  async createUser(username: string, passwordHash: string, session: SessionGrant): Promise<boolean> {
    if (this.image.accounts.has(username)) return false;
    await this.change(
      [
        { o: 'user', u: username, h: passwordHash },
        { o: 'open', u: username, t: session.tokenHash, e: Date.now() + session.ttlMs },
      ],
      [{ o: 'deluser', u: username }],
    );
    return true;
  }

  async deleteUser(username: string): Promise<void> {
    const account = this.image.accounts.get(username);
    if (!account) return;
    await this.change([{ o: 'deluser', u: username }], []);
  }

  async passwordHash(username: string): Promise<string | null> {
    return this.image.accounts.get(username)?.passwordHash ?? null;
  }

  async openSession(username: string, session: SessionGrant): Promise<SessionGrant | null> {
    const account = this.image.accounts.get(username);
    if (!account) return null;
    const now = Date.now();
    const previousHash = account.session;
    const previous = previousHash ? this.image.sessions.get(previousHash) : undefined;
    const undo: JournalOp[] = [{ o: 'close', t: session.tokenHash }];
    if (previousHash && previous) undo.push({ o: 'open', u: username, t: previousHash, e: previous.expiresAt });
    await this.change([{ o: 'open', u: username, t: session.tokenHash, e: now + session.ttlMs }], undo);
    return previousHash && previous && previous.expiresAt > now
      ? { tokenHash: previousHash, ttlMs: previous.expiresAt - now }
      : null;
  }

  async closeSession(tokenHash: string): Promise<void> {
    if (!this.image.sessions.has(tokenHash)) return;
    await this.change([{ o: 'close', t: tokenHash }], []);
  }

  async touchSession(tokenHash: string, ttlMs: number): Promise<string | null> {
    return this.liveSession(tokenHash, ttlMs);
  }

  async addItems(tokenHash: string, ttlMs: number, item: ItemKey, quantity: number): Promise<PurchaseResult | null> {
    const username = this.liveSession(tokenHash, ttlMs);
    if (username === null) return null;
    const k = itemField(item.itemType, item.quality);
    const durable = this.change(
      [{ o: 'items', u: username, k, q: quantity }],
      [{ o: 'items', u: username, k, q: -quantity }],
    );
    const account = this.image.accounts.get(username)!;
    const result = { username, itemCount: account.typeCounts.get(item.itemType) ?? 0, inventoryCount: account.total };
    await durable;
    return result;
  }

  async removeItems(username: string, item: ItemKey, quantity: number): Promise<void> {
    await this.change([{ o: 'items', u: username, k: itemField(item.itemType, item.quality), q: -quantity }], []);
  }

  async joinGuild(tokenHash: string, ttlMs: number, guild: string): Promise<GuildChange | null> {
    const username = this.liveSession(tokenHash, ttlMs);
    if (username === null) return null;
    const previousGuild = this.image.accounts.get(username)!.guild;
    await this.change([{ o: 'guild', u: username, g: guild }], [{ o: 'guild', u: username, g: previousGuild }]);
    return { username, previousGuild };
  }

  async restoreGuild(username: string, joined: string, previous: string | null): Promise<void> {
    if (this.image.accounts.get(username)?.guild !== joined) return;
    await this.change([{ o: 'guild', u: username, g: previous }], []);
  }

  async playerKey(username: string): Promise<PlayerKey | null> {
    const account = this.image.accounts.get(username);
    if (!account) return null;
    if (!account.key) {
      const fresh = newPlayerKey();
      // Applied in memory at once: a concurrent ask sees it and gets the same key.
      await this.change([{ o: 'key', u: username, i: fresh.id, k: fresh.key.toString('base64') }], []);
    }
    const key = this.image.accounts.get(username)?.key;
    return key ? { id: key.id, key: Buffer.from(key.key, 'base64') } : null;
  }

  async keysById(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    for (const id of ids) {
      const key = this.image.accounts.get(this.image.keyOwners.get(id) ?? '')?.key;
      if (key?.id === id) found.set(id, Buffer.from(key.key, 'base64'));
    }
    return found;
  }

  async inventory(username: string): Promise<InventoryEntry[]> {
    const account = this.image.accounts.get(username);
    if (!account) return [];
    return [...account.items]
      .filter(([, count]) => count > 0)
      .map(([k, count]) => {
        const [itemType, quality] = k.split('|') as [string, string];
        return { itemType, quality, count };
      });
  }

  async status(maxPlayers: number): Promise<StoreStatus> {
    const now = Date.now();
    const activeSessions = [...this.image.sessions.values()].filter((s) => s.expiresAt > now).length;
    const players = [...this.image.accounts.keys()]
      .sort()
      .slice(0, maxPlayers)
      .map((username) => {
        const account = this.image.accounts.get(username)!;
        return { username, guild: account.guild, items: account.total };
      });
    return { users: this.image.accounts.size, activeSessions, players };
  }

  async ping(): Promise<void> {
    if (this.fault) throw this.unavailable(this.fault);
  }

  async close(): Promise<void> {
    await this.journal.close();
  }

  private liveSession(tokenHash: string, ttlMs: number): string | null {
    const session = this.image.sessions.get(tokenHash);
    const now = Date.now();
    if (!session) return null;
    if (session.expiresAt <= now) {
      this.image.apply({ o: 'close', t: tokenHash });
      return null;
    }
    session.expiresAt = now + ttlMs;
    if (session.expiresAt - (this.journaledExpiry.get(tokenHash) ?? 0) > TOUCH_JOURNAL_STEP_MS) {
      this.journaledExpiry.set(tokenHash, session.expiresAt);
      this.journal.append([{ o: 'touch', t: tokenHash, e: session.expiresAt }]).catch(() => undefined);
    }
    return session.username;
  }

  /**
   * Applies `ops` in memory before returning (so a caller may read the state it produced right
   * away), then makes them durable; undoes them in memory if that fails.
   */
  private change(ops: JournalOp[], undo: JournalOp[]): Promise<void> {
    if (this.fault) return Promise.reject(this.unavailable(this.fault));
    for (const op of ops) this.image.apply(op);
    return this.journal.append(ops).catch((error: unknown) => {
      for (const op of undo) this.image.apply(op);
      throw this.unavailable(error);
    });
  }

  private unavailable(cause: unknown): GamepipeError {
    return new GamepipeError('STATE_UNAVAILABLE', 'the embedded state store cannot write its journal', { cause });
  }
}
