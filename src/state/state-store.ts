import type { PlayerKey } from '../events/personal-fields.js';
import type { ExpiringCounters } from './expiring-counters.js';

/** A session being granted: the store keeps only the SHA-256 of the token, never the token. */
export interface SessionGrant {
  tokenHash: string;
  ttlMs: number;
}

export interface ItemKey {
  itemType: string;
  quality: string;
}

export interface PurchaseResult {
  username: string;
  /** Items of this type (all qualities) the player holds after the purchase. */
  itemCount: number;
  /** Items the player holds after the purchase. */
  inventoryCount: number;
}

export interface GuildChange {
  username: string;
  previousGuild: string | null;
}

export interface InventoryEntry extends ItemKey {
  count: number;
}

export interface PlayerSummary {
  username: string;
  guild: string | null;
  items: number;
}

export interface StoreStatus {
  users: number;
  activeSessions: number;
  /** Up to the asked number of players, by name. Never a password hash or a session. */
  players: PlayerSummary[];
}

/**
 * Game state: accounts, sessions, inventories, guilds. Every method is atomic: no other call sees
 * half of it, and concurrent calls never lose each other's changes (N concurrent purchases of one
 * user add exactly N items). Session expiry slides: each successful session check pushes it
 * `ttlMs` into the future; an expired session is gone. Methods reject with STATE_UNAVAILABLE when
 * the back end cannot be reached, and then changed nothing.
 */
export interface StateStore {
  /** The rate limits' counters, kept where the state is: shared by every server on one Redis. */
  readonly counters: ExpiringCounters;
  /** Creates the account with its first session; false (and no change) when the name is taken. */
  createUser(username: string, passwordHash: string, session: SessionGrant): Promise<boolean>;
  /** Removes an account and its state; used to undo a signup whose event could not be logged. */
  deleteUser(username: string): Promise<void>;
  passwordHash(username: string): Promise<string | null>;
  /**
   * Opens a session, revoking every earlier one of the same user. Returns the live session it
   * replaced (with its remaining time), so that opening that one again undoes the change.
   */
  openSession(username: string, session: SessionGrant): Promise<SessionGrant | null>;
  closeSession(tokenHash: string): Promise<void>;
  /** The user of a live session, sliding its expiry; null when unknown or expired. */
  touchSession(tokenHash: string, ttlMs: number): Promise<string | null>;
  /** Checks and slides the session and adds the items, in one step; null when the session is not live. */
  addItems(tokenHash: string, ttlMs: number, item: ItemKey, quantity: number): Promise<PurchaseResult | null>;
  /** Takes items back; used to undo a purchase whose event could not be logged. */
  removeItems(username: string, item: ItemKey, quantity: number): Promise<void>;
  /** Checks and slides the session and sets the guild, in one step; null when the session is not live. */
  joinGuild(tokenHash: string, ttlMs: number, guild: string): Promise<GuildChange | null>;
  /** Puts `previous` back if the guild is still `joined`; used to undo a join. */
  restoreGuild(username: string, joined: string, previous: string | null): Promise<void>;
  inventory(username: string): Promise<InventoryEntry[]>;
  /**
   * The player's key for sealing their events' personal fields in the log: created on the first
   * ask, atomically (concurrent asks get the same key); null when there is no such account. It is
   * destroyed with the account (`deleteUser`): that is what makes the log's sealed copies unreadable.
   */
  playerKey(username: string): Promise<PlayerKey | null>;
  /** The keys of these ids that still exist (a destroyed key is absent), for the stream writers to open sealed fields. */
  keysById(ids: readonly string[]): Promise<Map<string, Buffer>>;
  status(maxPlayers: number): Promise<StoreStatus>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
