/** A counter's value and the time until it is forgotten. */
export interface CounterReading {
  count: number;
  /** Milliseconds until the counter expires; 0 when it does not exist. */
  expiresInMs: number;
}

/**
 * Counters that forget themselves: the shared memory of the rate limits (failed logins per player,
 * signups per address). A counter starts at the first `hit` and expires `windowMs` later, whatever
 * hits follow (a fixed window: hammering does not extend it). Both methods are atomic: N concurrent
 * hits on one key return N distinct counts. With Redis every server sees the same counters; the
 * embedded adapter keeps them in the process (the embedded mode is one process on one host).
 * Methods reject with STATE_UNAVAILABLE when the back end cannot be reached.
 */
export interface ExpiringCounters {
  /** Adds one to `key` (creating it to expire in `windowMs`) and returns the count after. */
  hit(key: string, windowMs: number): Promise<CounterReading>;
  /** Forgets `key`. Idempotent. */
  reset(key: string): Promise<void>;
}
