import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RateLimitedError } from '../../src/server/attempt-limit.js';
import { loginThrottle } from '../../src/server/login-throttle.js';
import { SignupLimit } from '../../src/server/signup-limit.js';
import { MemoryExpiringCounters } from '../../src/state/memory-expiring-counters.js';
import { rejection } from '../helpers/rejection.js';

it('a login throttle refuses the attempt after the fifth, opens again when its window ends, and a success clears the count', async () => {
  let now = 0;
  const throttle = loginThrottle(new MemoryExpiringCounters(() => now), 3, 1000);
  for (let i = 0; i < 3; i++) await throttle.admit('ann');
  const refused = await rejection(throttle.admit('ann'));
  assert.equal(refused.code, 'TOO_MANY_LOGIN_FAILURES');
  assert.equal(refused.httpStatus, 429);
  assert.equal((refused as RateLimitedError).retryAfterSeconds, 1);
  now = 1000;
  await throttle.admit('ann');
  await throttle.admit('bob');
  await throttle.admit('bob');
  await throttle.clear('bob');
  for (let i = 0; i < 3; i++) await throttle.admit('bob');
});

it('the signup limit counts per address, spares the exempt ones and can be turned off', async () => {
  const counters = new MemoryExpiringCounters();
  const limit = new SignupLimit(counters, { perAddress: 2, windowMs: 60_000, exempt: ['127.0.0.1'] });
  await limit.admit('10.0.0.1');
  await limit.admit('10.0.0.1');
  const refused = await rejection(limit.admit('10.0.0.1'));
  assert.equal(refused.code, 'TOO_MANY_SIGNUPS');
  assert.equal((refused as RateLimitedError).retryAfterSeconds, 60);
  await limit.admit('10.0.0.2');
  for (let i = 0; i < 10; i++) await limit.admit('127.0.0.1');
  const off = new SignupLimit(counters, { perAddress: 0, windowMs: 60_000, exempt: [] });
  for (let i = 0; i < 10; i++) await off.admit('10.0.0.1');
});
