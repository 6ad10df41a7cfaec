import type { ExpiringCounters } from '../state/expiring-counters.js';
import { AttemptLimit } from './attempt-limit.js';

const LOGIN_MAX_FAILURES = 5;
const LOGIN_FAILURE_WINDOW_MS = 60_000;

/**
 * Refuses logins for a player who failed too often lately, before any password hash is computed:
 * a hash costs tens of milliseconds of CPU, so unthrottled guessing would be both a password attack
 * and a cheap way to starve the server. Every attempt counts until one succeeds, which clears the
 * count; the counters live in the state store, so servers sharing a Redis throttle together.
 */
export const loginThrottle = (
  counters: ExpiringCounters,
  max = LOGIN_MAX_FAILURES,
  windowMs = LOGIN_FAILURE_WINDOW_MS,
): AttemptLimit =>
  new AttemptLimit(counters, {
    name: 'login-fail',
    max,
    windowMs,
    code: 'TOO_MANY_LOGIN_FAILURES',
    refusal: (username, seconds) => `Login Failed! Too many failed logins for ${username}; try again in ${seconds} s.`,
  });
