import { newPlayerKey, type PlayerKey } from '../events/personal-fields.js';
import { Redis } from 'ioredis';
import { GamepipeError, isGamepipeError } from '../errors.js';
import type { ExpiringCounters } from './expiring-counters.js';
import { RedisExpiringCounters } from './redis-expiring-counters.js';
import { redisScripts, type RedisScriptName } from './redis-scripts.js';
import type {
  GuildChange,
  InventoryEntry,
  ItemKey,
  PurchaseResult,
  SessionGrant,
  StateStore,
  StoreStatus,
} from './state-store.js';

type ScriptRunner = (...args: (string | number)[]) => Promise<unknown>;

/**
 * State in Redis. Every change is one Lua script (atomic on the server); there is no
 * read-modify-write from the client. Sessions are keys `sess:<sha256 of token>` with a PX expiry
 * that each use slides. Commands fail at once when Redis is unreachable (no offline queue), so a
 * request answers 503 instead of hanging.
 */
export class RedisStateStore implements StateStore {
  readonly counters: ExpiringCounters;

  private constructor(
    private readonly redis: Redis,
    private readonly url: string,
    private readonly prefix: string,
  ) {
    this.counters = new RedisExpiringCounters(redis, prefix, (operation) => this.call(operation));
  }

  static async connect(url: string, prefix = 'gamepipe:'): Promise<RedisStateStore> {
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 3000,
      retryStrategy: () => 500,
    });
    redis.on('error', () => undefined); // reported per command as STATE_UNAVAILABLE
    for (const [name, lua] of Object.entries(redisScripts)) redis.defineCommand(name, { numberOfKeys: 0, lua });
    const store = new RedisStateStore(redis, url, prefix);
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw store.unavailable(error);
    }
    return store;
  }

  async createUser(username: string, passwordHash: string, session: SessionGrant): Promise<boolean> {
    return (await this.run('gpCreateUser', username, passwordHash, session.tokenHash, session.ttlMs, Date.now())) === 1;
  }

  async deleteUser(username: string): Promise<void> {
    await this.run('gpDeleteUser', username);
  }

  async playerKey(username: string): Promise<PlayerKey | null> {
    const fresh = newPlayerKey();
    const found = (await this.run('gpPlayerKey', username, fresh.id, fresh.key.toString('base64'))) as string[];
    return found.length === 2 ? { id: found[0]!, key: Buffer.from(found[1]!, 'base64') } : null;
  }

  async keysById(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    if (ids.length === 0) return found;
    const values = await this.call(() => this.redis.mget(...ids.map((id) => `${this.prefix}pkey:${id}`)));
    ids.forEach((id, i) => {
      const value = values[i];
      if (value) found.set(id, Buffer.from(value, 'base64'));
    });
    return found;
  }

  async passwordHash(username: string): Promise<string | null> {
    return this.call(() => this.redis.hget(`${this.prefix}user:${username}`, 'pw'));
  }

  async openSession(username: string, session: SessionGrant): Promise<SessionGrant | null> {
    const replaced = (await this.run('gpOpenSession', username, session.tokenHash, session.ttlMs, Date.now())) as
      | [string, number]
      | [];
    return replaced.length === 2 ? { tokenHash: replaced[0], ttlMs: Number(replaced[1]) } : null;
  }

  async closeSession(tokenHash: string): Promise<void> {
    await this.run('gpCloseSession', tokenHash);
  }

  async touchSession(tokenHash: string, ttlMs: number): Promise<string | null> {
    return ((await this.run('gpTouchSession', tokenHash, ttlMs, Date.now())) as string | null) ?? null;
  }

  async addItems(tokenHash: string, ttlMs: number, item: ItemKey, quantity: number): Promise<PurchaseResult | null> {
    const result = (await this.run(
      'gpAddItems',
      tokenHash,
      ttlMs,
      Date.now(),
      item.itemType,
      item.quality,
      quantity,
    )) as [string, number, number] | null;
    if (!result) return null;
    return { username: result[0], itemCount: Number(result[1]), inventoryCount: Number(result[2]) };
  }

  async removeItems(username: string, item: ItemKey, quantity: number): Promise<void> {
    await this.run('gpRemoveItems', username, item.itemType, item.quality, quantity);
  }

  async joinGuild(tokenHash: string, ttlMs: number, guild: string): Promise<GuildChange | null> {
    const result = (await this.run('gpJoinGuild', tokenHash, ttlMs, Date.now(), guild)) as
      | [string, number, string]
      | null;
    if (!result) return null;
    return { username: result[0], previousGuild: Number(result[1]) === 1 ? result[2] : null };
  }

  async restoreGuild(username: string, joined: string, previous: string | null): Promise<void> {
    await this.run('gpRestoreGuild', username, joined, previous === null ? 0 : 1, previous ?? '');
  }

  async inventory(username: string): Promise<InventoryEntry[]> {
    const fields = await this.call(() => this.redis.hgetall(`${this.prefix}inv:${username}`));
    return Object.entries(fields)
      .map(([k, v]) => {
        const [itemType, quality] = k.split('|') as [string, string];
        return { itemType, quality, count: Number(v) };
      })
      .filter((e) => e.count > 0);
  }

  async status(maxPlayers: number): Promise<StoreStatus> {
    const now = Date.now();
    const P = this.prefix;
    return this.call(async () => {
      await this.redis.zremrangebyscore(`${P}sessions`, '-inf', now);
      const [users, activeSessions, names] = await Promise.all([
        this.redis.scard(`${P}users`),
        this.redis.zcount(`${P}sessions`, now, '+inf'),
        this.redis.call('SORT', `${P}users`, 'ALPHA', 'LIMIT', 0, maxPlayers) as Promise<string[]>,
      ]);
      const players = await Promise.all(
        names.map(async (username) => {
          const [guild, items] = await Promise.all([
            this.redis.get(`${P}guild:${username}`),
            this.redis.hget(`${P}invsum:${username}`, '*'),
          ]);
          return { username, guild, items: Number(items ?? 0) };
        }),
      );
      return { users, activeSessions, players };
    });
  }

  async ping(): Promise<void> {
    await this.call(() => this.redis.ping());
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private run(name: RedisScriptName, ...args: (string | number)[]): Promise<unknown> {
    const runner = (this.redis as unknown as Record<RedisScriptName, ScriptRunner>)[name];
    return this.call(() => runner.call(this.redis, this.prefix, ...args));
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (isGamepipeError(error)) throw error;
      throw this.unavailable(error);
    }
  }

  private unavailable(cause: unknown): GamepipeError {
    const safeUrl = this.url.replace(/\/\/[^@/]*@/, '//***@');
    return new GamepipeError('STATE_UNAVAILABLE', `Redis at ${safeUrl} is not reachable`, {
      hint: 'start it (redis-server --daemonize yes) or check --redis-url',
      cause,
    });
  }
}
