import assert from 'node:assert/strict';
import { GamepipeError } from '../../src/errors.js';

/** The GamepipeError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<GamepipeError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof GamepipeError, `not a GamepipeError: ${String(error)}`);
  return error;
}
