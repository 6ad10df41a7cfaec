import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LoginThrottle } from '../../src/server/login-throttle.js';

it('a login throttle opens again when its window ends, and a success clears the count', () => {
  const throttle = new LoginThrottle(3, 1000);
  for (let i = 0; i < 3; i++) throttle.recordFailure('ann', 0);
  assert.throws(() => throttle.check('ann', 500), { code: 'TOO_MANY_LOGIN_FAILURES' });
  assert.doesNotThrow(() => throttle.check('ann', 1000));
  throttle.recordFailure('bob', 0);
  throttle.recordFailure('bob', 0);
  throttle.recordSuccess('bob');
  throttle.recordFailure('bob', 10);
  throttle.recordFailure('bob', 10);
  assert.doesNotThrow(() => throttle.check('bob', 20));
});
