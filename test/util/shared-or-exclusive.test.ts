import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SharedOrExclusive } from '../../src/util/shared-or-exclusive.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SharedOrExclusive', () => {
  it('runs shared holders together, an exclusive one alone after them, and holds new shared ones back meanwhile', async () => {
    const lock = new SharedOrExclusive();
    const log: string[] = [];
    let finishFirst!: () => void;
    const first = lock.shared(async () => {
      log.push('shared 1 in');
      await new Promise<void>((resolve) => (finishFirst = resolve));
      log.push('shared 1 out');
    });
    const second = lock.shared(async () => {
      log.push('shared 2 in');
      await tick();
      log.push('shared 2 out');
    });
    await tick();
    const exclusive = lock.exclusive(async () => {
      log.push('exclusive in');
      await tick();
      log.push('exclusive out');
    });
    const third = lock.shared(async () => log.push('shared 3'));
    await tick();
    await tick();
    assert.ok(!log.includes('exclusive in'), 'the exclusive holder waits for a shared one still running');
    finishFirst();
    await Promise.all([first, second, exclusive, third]);
    assert.deepEqual(log, [
      'shared 1 in',
      'shared 2 in',
      'shared 2 out',
      'shared 1 out',
      'exclusive in',
      'exclusive out',
      'shared 3',
    ]);
  });

  it('lets the next holder in after a holder fails', async () => {
    const lock = new SharedOrExclusive();
    await assert.rejects(
      lock.exclusive(async () => {
        throw new Error('failed inside');
      }),
      /failed inside/,
    );
    await assert.rejects(
      lock.shared(async () => {
        throw new Error('failed too');
      }),
      /failed too/,
    );
    assert.equal(await lock.exclusive(async () => 'in'), 'in');
    assert.equal(await lock.shared(async () => 'in'), 'in');
  });
});
