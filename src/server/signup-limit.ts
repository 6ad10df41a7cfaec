import type { ExpiringCounters } from '../state/expiring-counters.js';
import { AttemptLimit } from './attempt-limit.js';

export interface SignupLimitSettings {
  /** Signups per client address per window; 0 turns the limit off. */
  perAddress: number;
  windowMs: number;
  /** Addresses never limited (by default this host: a load generator or a local test). */
  exempt: readonly string[];
}

/**
 * Signups per client address: each costs a password hash and a new account, so one address
 * creating thousands would both burn CPU and fill the store. Shared through the state store.
 */
export class SignupLimit {
  private readonly limit: AttemptLimit;
  private readonly exempt: Set<string>;

  constructor(
    counters: ExpiringCounters,
    private readonly settings: SignupLimitSettings,
  ) {
    this.exempt = new Set(settings.exempt);
    this.limit = new AttemptLimit(counters, {
      name: 'signup',
      max: settings.perAddress,
      windowMs: settings.windowMs,
      code: 'TOO_MANY_SIGNUPS',
      refusal: (_address, seconds) => `Signup Failed! Too many signups from your address; try again in ${seconds} s.`,
    });
  }

  async admit(address: string): Promise<void> {
    if (this.settings.perAddress === 0 || this.exempt.has(address)) return;
    await this.limit.admit(address);
  }
}
