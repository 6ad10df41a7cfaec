import type { CounterReading, ExpiringCounters } from './expiring-counters.js';

interface Counter {
  count: number;
  expiresAt: number;
}

/** Beyond this many live keys, expired ones are swept (a flood of distinct keys must not grow memory for ever). */
const SWEEP_ABOVE = 100_000;

/** The embedded adapter: counters in this process's memory, forgotten on restart. */
export class MemoryExpiringCounters implements ExpiringCounters {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<CounterReading> {
    const now = this.now();
    let counter = this.counters.get(key);
    if (!counter || counter.expiresAt <= now) {
      counter = { count: 0, expiresAt: now + windowMs };
      this.counters.set(key, counter);
      if (this.counters.size > SWEEP_ABOVE) this.sweep(now);
    }
    counter.count++;
    return { count: counter.count, expiresInMs: counter.expiresAt - now };
  }

  async reset(key: string): Promise<void> {
    this.counters.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, counter] of this.counters) if (counter.expiresAt <= now) this.counters.delete(key);
  }
}
