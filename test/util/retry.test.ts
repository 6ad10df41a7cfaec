import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GamepipeError } from '../../src/errors.js';
import { backoffDelay, withRetries } from '../../src/util/retry.js';

const backoff = { baseMs: 500, maxMs: 30_000 };

describe('withRetries', () => {
  it('retries a retriable failure with capped exponential backoff and jitter in its upper half', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        if (++calls <= 8) throw new GamepipeError('LAKE_UNAVAILABLE', 'down');
        return 'landed';
      },
      { backoff, sleep: async (ms) => void delays.push(ms), random: () => 1 },
    );
    assert.equal(result, 'landed');
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    for (const attempt of [1, 4, 9]) {
      const full = Math.min(30_000, 500 * 2 ** (attempt - 1));
      assert.equal(
        backoffDelay(attempt, backoff, () => 0),
        full / 2,
        'never sooner than half the backoff',
      );
    }
  });

  it('throws at once what is not marked retriable, whatever its message says', async () => {
    let calls = 0;
    const notRetriable = new GamepipeError('LAKE_ERROR', 'the lake does not answer (timeout)');
    await assert.rejects(
      withRetries(
        async () => {
          calls++;
          throw notRetriable;
        },
        { backoff, sleep: async () => undefined },
      ),
      (error) => error === notRetriable,
    );
    await assert.rejects(
      withRetries(
        async () => {
          calls++;
          throw new Error('ECONNRESET');
        },
        { backoff, sleep: async () => undefined },
      ),
      /ECONNRESET/,
    );
    assert.equal(calls, 2);
  });

  it('reports each retry, resyncs before the next attempt, and gives up once stopped', async () => {
    const events: string[] = [];
    let stopped = false;
    await assert.rejects(
      withRetries(
        async () => {
          events.push('attempt');
          throw new GamepipeError('LOG_UNAVAILABLE', 'down');
        },
        {
          backoff,
          sleep: async () => undefined,
          onRetry: (error, attempt) => events.push(`retry ${attempt} ${error.code}`),
          beforeRetry: async () => {
            events.push('resync');
            stopped = events.length > 4;
          },
          stopped: () => stopped,
        },
      ),
      { code: 'LOG_UNAVAILABLE' },
    );
    assert.deepEqual(events, [
      'attempt',
      'retry 1 LOG_UNAVAILABLE',
      'resync',
      'attempt',
      'retry 2 LOG_UNAVAILABLE',
      'resync',
      'attempt',
    ]);
  });
});
