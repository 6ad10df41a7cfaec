import { GamepipeError, type ErrorCode } from '../errors.js';
import type { ExpiringCounters } from '../state/expiring-counters.js';

/** A 429: the error handler turns `retryAfterSeconds` into the Retry-After header. */
export class RateLimitedError extends GamepipeError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

export interface AttemptLimitOptions {
  /** Counter key namespace, e.g. `login-fail`. */
  name: string;
  /** Attempts allowed per window; the next one is refused until the window ends. */
  max: number;
  windowMs: number;
  code: ErrorCode;
  /** The one line a refused client reads, given the seconds to wait. */
  refusal(subject: string, seconds: number): string;
}

/**
 * At most `max` attempts per subject (a player, a client address) per fixed window, counted in
 * the state store's expiring counters, so every server on one Redis counts together. An attempt
 * is counted before the work it guards (a password hash costs tens of milliseconds of CPU), so
 * concurrent attempts cannot slip past the limit together.
 */
export class AttemptLimit {
  constructor(
    private readonly counters: ExpiringCounters,
    private readonly options: AttemptLimitOptions,
  ) {}

  /** Counts an attempt; rejects with a RateLimitedError (429) when it is over the limit. */
  async admit(subject: string): Promise<void> {
    const { count, expiresInMs } = await this.counters.hit(this.key(subject), this.options.windowMs);
    if (count <= this.options.max) return;
    const seconds = Math.max(1, Math.ceil(expiresInMs / 1000));
    throw new RateLimitedError(this.options.code, this.options.refusal(subject, seconds), seconds);
  }

  /** Forgets the subject's attempts (a successful login clears its failures). */
  async clear(subject: string): Promise<void> {
    await this.counters.reset(this.key(subject));
  }

  private key(subject: string): string {
    return `${this.options.name}:${subject}`;
  }
}
