import type { Redis } from 'ioredis';
import type { CounterReading, ExpiringCounters } from './expiring-counters.js';

/** KEYS[1]: the counter; ARGV[1]: window ms. INCR and the first PEXPIRE in one step, so no counter is left without expiry. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {n, left}`;

type Script = (key: string, ...args: (string | number)[]) => Promise<[number, number]>;

/** The Redis adapter: one key `<prefix>count:<key>` per counter with a PX expiry, shared by every server on that Redis. */
export class RedisExpiringCounters implements ExpiringCounters {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Runs a Redis call, turning a failure into STATE_UNAVAILABLE (the store's own wrapper). */
    private readonly call: <T>(operation: () => Promise<T>) => Promise<T>,
  ) {
    redis.defineCommand('gpCounterHit', { numberOfKeys: 1, lua: HIT });
  }

  async hit(key: string, windowMs: number): Promise<CounterReading> {
    const script = (this.redis as unknown as Record<'gpCounterHit', Script>).gpCounterHit;
    const [count, expiresInMs] = await this.call(() =>
      script.call(this.redis, this.keyOf(key), Math.max(1, Math.round(windowMs))),
    );
    return { count: Number(count), expiresInMs: Number(expiresInMs) };
  }

  async reset(key: string): Promise<void> {
    await this.call(() => this.redis.del(this.keyOf(key)));
  }

  private keyOf(key: string): string {
    return `${this.prefix}count:${key}`;
  }
}
