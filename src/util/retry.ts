import { setTimeout as sleep } from 'node:timers/promises';
import { type GamepipeError, isGamepipeError } from '../errors.js';

export interface Backoff {
  /** The first retry's delay before jitter. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
}

/**
 * The delay before retry `attempt` (1 for the first): the base doubled per attempt, capped at
 * `maxMs`, then "equal jitter": a random point in its upper half. Writers that failed together
 * (one lake outage) so spread their retries, and none retries sooner than half the backoff.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs }: Backoff, random: () => number = Math.random): number {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(capped / 2 + (random() * capped) / 2);
}

export interface RetryOptions {
  backoff: Backoff;
  /** Told of each retriable failure before its delay: the error, the attempt that failed (1 for the first) and the delay. */
  onRetry?(error: GamepipeError, attempt: number, delayMs: number): void;
  /** Runs after the delay, before the next attempt (e.g. a resync of what the failed attempt left). */
  beforeRetry?(error: GamepipeError): Promise<void>;
  /** Whether to give up instead of retrying (a stop was asked): the failure is thrown. */
  stopped?(): boolean;
  random?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Runs `attempt` until it succeeds. A failure is retried only when it is a GamepipeError marked
 * `retriable` (the error decides, never its message); anything else, or any failure once `stopped`
 * says so, is thrown at once. Retries never end on their own: a writer waits out an outage.
 */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isGamepipeError(error) || !error.retriable || options.stopped?.()) throw error;
      const delayMs = backoffDelay(failures, options.backoff, options.random);
      options.onRetry?.(error, failures, delayMs);
      await (options.sleep ?? sleep)(delayMs);
      if (options.stopped?.()) throw error; // a stop asked during the wait is not held up by one more try
      await options.beforeRetry?.(error);
    }
  }
}
