import type { Catalog } from '../catalog/catalog.js';
import { GamepipeError } from '../errors.js';
import { eventBuilders, type TypeFields } from '../events/event-builders.js';
import type { EventType } from '../events/event-schemas.js';
import type { AppendRecord, EventLog } from '../eventlog/event-log.js';
import { newPlayerKey, sealPersonalFields } from '../events/personal-fields.js';
import { logger } from '../logger.js';
import type { InventoryEntry, StateStore } from '../state/state-store.js';
import type { AttemptLimit } from './attempt-limit.js';
import { loginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { RequestMeta } from './request-meta.js';
import type { ServerMetrics } from './server-metrics.js';
import { hashSessionToken, isWellFormedToken, newSessionToken, SESSION_IDLE_MS } from './session-tokens.js';
import { SignupLimit, type SignupLimitSettings } from './signup-limit.js';

export interface GameServiceDeps {
  store: StateStore;
  log: EventLog;
  catalog: Catalog;
  metrics: ServerMetrics;
  /** Source of randomness for quality draws, in [0, 1). */
  random?: () => number;
  signupLimit: SignupLimitSettings;
  /** Seal each event's personal fields with the player's key, and key its record by the key's id (see personal-fields.ts). */
  sealPersonalFields?: boolean;
}

/** The id of the event an action appended (the `x-event-id` answer header), for `gamepipe trace`. */
export type EventId = string;

export interface Purchase {
  itemType: string;
  quality: string;
  quantity: number;
}

/** Most items one purchase may buy. */
export const MAX_QUANTITY = 1000;

const noSession = () => new GamepipeError('NO_SESSION', 'No active session found! Please login.');
const staleSession = () => new GamepipeError('NO_SESSION', 'Invalid or expired session! Please login.');

/**
 * The game's actions, free of HTTP. Each changes state atomically, then appends its event; a 2xx
 * is only possible once the event is durable in the log. If the append fails, the state change is
 * undone and the caller gets LOG_UNAVAILABLE (503): no answered action is missing from the log and
 * no logged event describes an action that was refused. An append the log cannot settle
 * (LOG_IN_DOUBT, 504: Kafka did not answer a send it may have written) keeps its change.
 */
export class GameService {
  private readonly random: () => number;
  private readonly loginThrottle: AttemptLimit;
  private readonly signupLimit: SignupLimit;

  constructor(private readonly deps: GameServiceDeps) {
    this.random = deps.random ?? Math.random;
    this.loginThrottle = loginThrottle(deps.store.counters);
    this.signupLimit = new SignupLimit(deps.store.counters, deps.signupLimit);
  }

  /** `clientAddress` is what the signup limit counts per; it never reaches the event. */
  async signup(
    username: string,
    password: string,
    meta: RequestMeta,
    clientAddress: string,
  ): Promise<{ token: string; eventId: EventId }> {
    await this.signupLimit.admit(clientAddress);
    const hash = await hashPassword(password);
    const token = newSessionToken();
    const created = await this.deps.store.createUser(username, hash, {
      tokenHash: hashSessionToken(token),
      ttlMs: SESSION_IDLE_MS,
    });
    if (!created) throw new GamepipeError('USERNAME_TAKEN', 'Signup Failed! This username already exists.');
    const eventId = await this.emit('signup', meta, username, {}, () => this.deps.store.deleteUser(username));
    return { token, eventId };
  }

  async login(username: string, password: string, meta: RequestMeta): Promise<{ token: string; eventId: EventId }> {
    await this.loginThrottle.admit(username);
    const stored = await this.deps.store.passwordHash(username);
    if (!(await verifyPassword(password, stored)))
      throw new GamepipeError('BAD_CREDENTIALS', 'Login Failed! Wrong username or password.');
    await this.loginThrottle.clear(username);
    const token = newSessionToken();
    const tokenHash = hashSessionToken(token);
    const replaced = await this.deps.store.openSession(username, { tokenHash, ttlMs: SESSION_IDLE_MS });
    const eventId = await this.emit('login', meta, username, {}, async () => {
      if (replaced) await this.deps.store.openSession(username, replaced);
      else await this.deps.store.closeSession(tokenHash);
    });
    return { token, eventId };
  }

  async logout(token: string | undefined): Promise<void> {
    if (token && isWellFormedToken(token)) await this.deps.store.closeSession(hashSessionToken(token));
  }

  async defaultResponse(meta: RequestMeta): Promise<EventId> {
    return this.emit('default', meta, null, {}, async () => undefined);
  }

  /** Validates the purchase against the catalog; draws the quality from the odds when not given. */
  resolvePurchase(itemType: string, quality: string | undefined, quantity: number): Purchase {
    if (!this.deps.catalog.item(itemType))
      throw new GamepipeError('UNKNOWN_ITEM', 'The store does not have that item in stock.');
    if (quality !== undefined && !this.deps.catalog.quality(quality)) {
      throw new GamepipeError(
        'BAD_REQUEST',
        `Unknown quality "${quality.slice(0, 32)}"; one of: ${this.deps.catalog.qualityNames().join(', ')}.`,
      );
    }
    // The route's schema bounds it too, but its coercion lets "Infinity" and "-1e400" through as infinities.
    if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw new GamepipeError('BAD_REQUEST', `quantity must be a whole number from 1 to ${MAX_QUANTITY}.`);
    }
    return { itemType, quality: quality ?? this.deps.catalog.drawQuality(this.random()).name, quantity };
  }

  async buy(token: string | undefined, purchase: Purchase, meta: RequestMeta): Promise<EventId> {
    const tokenHash = this.tokenHash(token);
    const item = this.deps.catalog.item(purchase.itemType)!;
    const quality = this.deps.catalog.quality(purchase.quality)!;
    const key = { itemType: purchase.itemType, quality: purchase.quality };
    const result = await this.deps.store.addItems(tokenHash, SESSION_IDLE_MS, key, purchase.quantity);
    if (!result) throw staleSession();
    const price = this.deps.catalog.unitPrice(item, quality);
    const fields = {
      item_type: item.name,
      item_category: item.category,
      item_quality: quality.name,
      quantity: purchase.quantity,
      price,
      total_price: Math.round(price * purchase.quantity * 100) / 100,
      item_count: result.itemCount,
      inventory_count: result.inventoryCount,
    };
    return this.emit('buy_item', meta, result.username, fields, () =>
      this.deps.store.removeItems(result.username, key, purchase.quantity),
    );
  }

  async joinGuild(token: string | undefined, guild: string, meta: RequestMeta): Promise<EventId> {
    const change = await this.deps.store.joinGuild(this.tokenHash(token), SESSION_IDLE_MS, guild);
    if (!change) throw staleSession();
    return this.emit(
      'join_guild',
      meta,
      change.username,
      { guild_name: guild, previous_guild: change.previousGuild },
      () => this.deps.store.restoreGuild(change.username, guild, change.previousGuild),
    );
  }

  async inventory(token: string | undefined): Promise<{ username: string; items: InventoryEntry[] }> {
    const username = await this.deps.store.touchSession(this.tokenHash(token), SESSION_IDLE_MS);
    if (username === null) throw staleSession();
    return { username, items: await this.deps.store.inventory(username) };
  }

  private tokenHash(token: string | undefined): string {
    if (!token) throw noSession();
    if (!isWellFormedToken(token)) throw staleSession();
    return hashSessionToken(token);
  }

  /**
   * The log record of an event: as it is, keyed by the player; or, sealing personal fields, sealed
   * and keyed by the key's id (a record key must not name the player either). An account gone
   * meanwhile gets a throwaway key: the record lands under a pseudonym.
   */
  private async record(username: string | null, event: Record<string, unknown>): Promise<AppendRecord> {
    if (!this.deps.sealPersonalFields || username === null) return { key: username, value: JSON.stringify(event) };
    const key = (await this.deps.store.playerKey(username)) ?? newPlayerKey();
    return { key: key.id, value: JSON.stringify(sealPersonalFields(event, key)) };
  }

  private async emit<T extends EventType>(
    type: T,
    meta: RequestMeta,
    username: string | null,
    fields: TypeFields<T>,
    undo: () => Promise<void>,
  ): Promise<EventId> {
    const event = eventBuilders[type]({
      event_ts: Date.now(),
      accept: meta.accept,
      host: meta.host,
      user_agent: meta.userAgent,
      username,
      ...fields,
    });
    try {
      await this.deps.log.append([await this.record(username, event)]);
    } catch (error) {
      this.deps.metrics.appendErrors.inc();
      // An event in doubt may be in the log: its state change stays, as the event may describe it.
      if (error instanceof GamepipeError && error.code === 'LOG_IN_DOUBT') throw error;
      await undo().catch((undoError: unknown) =>
        logger.error({ err: undoError, event_type: type }, 'could not undo a state change whose event was refused'),
      );
      if (error instanceof GamepipeError) throw error;
      throw new GamepipeError('LOG_UNAVAILABLE', 'the event log refused the event', { cause: error });
    }
    this.deps.metrics.eventsAppended.inc({ event_type: type });
    return event.event_id;
  }
}
