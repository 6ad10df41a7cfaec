import { GamepipeError } from '../errors.js';

interface Failures {
  count: number;
  windowEnds: number;
}

const MAX_TRACKED = 100_000;

/**
 * Refuses logins for a username that failed too often lately, before any password hash is
 * computed: a hash costs tens of milliseconds of CPU, so unthrottled guessing would be both a
 * password attack and a cheap way to starve the server. Kept per server process, in memory.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 60_000,
  ) {}

  check(username: string, now = Date.now()): void {
    const entry = this.failures.get(username);
    if (!entry || entry.windowEnds <= now || entry.count < this.maxFailures) return;
    const seconds = Math.ceil((entry.windowEnds - now) / 1000);
    throw new GamepipeError('TOO_MANY_LOGIN_FAILURES', `Login Failed! Too many failed logins for ${username}; try again in ${seconds} s.`);
  }

  recordFailure(username: string, now = Date.now()): void {
    const entry = this.failures.get(username);
    if (entry && entry.windowEnds > now) entry.count++;
    else this.failures.set(username, { count: 1, windowEnds: now + this.windowMs });
    if (this.failures.size > MAX_TRACKED) this.forgetExpired(now);
  }

  recordSuccess(username: string): void {
    this.failures.delete(username);
  }

  private forgetExpired(now: number): void {
    for (const [username, entry] of this.failures) if (entry.windowEnds <= now) this.failures.delete(username);
  }
}
