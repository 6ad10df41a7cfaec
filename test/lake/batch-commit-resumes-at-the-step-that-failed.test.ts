import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GamepipeError } from '../../src/errors.js';
import { BatchCommit, type BatchSteps, type LandedBatch } from '../../src/lake/batch/batch-commit.js';
import type { RoutedBatch, RoutedFile } from '../../src/lake/batch/routed-batch.js';

const file = (partition: number, firstOffset: number, lastOffset: number): RoutedFile => ({
  owner: 'buy',
  dir: 'events_buy',
  dt: 'dt=2026-11-29',
  partition,
  firstOffset,
  lastOffset,
  rows: lastOffset - firstOffset + 1,
  held: [],
});

const batch: RoutedBatch = {
  files: [file(0, 0, 9), file(1, 0, 4), file(0, 10, 12)],
  count: 18,
  startOffset: new Map([
    [0, 0],
    [1, 0],
  ]),
  eventTimes: [],
};
const consumed = new Map([
  [0, 13],
  [1, 5],
]);

/** Steps that record each call, and fail where `failing` says, once each. */
function recordingSteps(failing: Set<string>) {
  const calls: string[] = [];
  const landed: LandedBatch[] = [];
  const maybeFail = (call: string) => {
    calls.push(call);
    if (failing.delete(call)) throw new GamepipeError('LAKE_UNAVAILABLE', `injected fault at ${call}`);
  };
  const steps: BatchSteps = {
    stage: async (f) => {
      maybeFail(`stage ${f.partition}+${f.firstOffset}`);
      return { partition: f.partition, staged: `_tmp/${f.partition}-${f.firstOffset}`, target: `t/${f.firstOffset}` };
    },
    commit: async () => {
      maybeFail('commit');
      return { mergedFiles: 0 };
    },
    ackLog: async () => maybeFail('ackLog'),
    announce: async (l) => {
      maybeFail('announce');
      landed.push(l);
    },
  };
  return { steps, calls, landed };
}

describe('a batch commit, as a state machine', () => {
  it('goes through its named steps in order', async () => {
    const { steps, calls, landed } = recordingSteps(new Set());
    const commit = new BatchCommit(batch, consumed, steps);
    assert.equal(commit.step, 'ROUTED');
    await commit.run();
    assert.equal(commit.step, 'ANNOUNCED');
    assert.equal(commit.failedAt, undefined);
    assert.deepEqual(calls, ['stage 0+0', 'stage 1+0', 'stage 0+10', 'commit', 'ackLog', 'announce']);
    assert.deepEqual(landed[0]!.files, ['t/0', 't/0', 't/10']);
    assert.equal(landed[0]!.rowsWritten, 18);
  });

  it('resumes at the log acknowledgement when only that failed: nothing staged or committed again', async () => {
    const { steps, calls } = recordingSteps(new Set(['ackLog']));
    const commit = new BatchCommit(batch, consumed, steps);
    await assert.rejects(commit.run(), /injected fault at ackLog/);
    assert.equal(commit.step, 'COMMITTED', 'it stays at the last step it completed');
    assert.equal(commit.failedAt, 'LOG_ACKED');
    await commit.run();
    assert.equal(commit.step, 'ANNOUNCED');
    assert.deepEqual(calls, ['stage 0+0', 'stage 1+0', 'stage 0+10', 'commit', 'ackLog', 'ackLog', 'announce']);
  });

  it('stages again only the files not staged when staging failed half-way, and keeps the others through a resync', async () => {
    const { steps, calls } = recordingSteps(new Set(['stage 1+0']));
    const commit = new BatchCommit(batch, consumed, steps);
    await assert.rejects(commit.run(), /injected fault at stage 1\+0/);
    assert.equal(commit.step, 'ROUTED');
    assert.equal(commit.failedAt, 'STAGED');
    assert.deepEqual([...commit.stagedPaths], ['_tmp/0-0'], 'the file staged before the failure is kept');
    await commit.run();
    assert.deepEqual(calls, ['stage 0+0', 'stage 1+0', 'stage 1+0', 'stage 0+10', 'commit', 'ackLog', 'announce']);
  });

  it('commits again, without staging, when the commit failed', async () => {
    const { steps, calls } = recordingSteps(new Set(['commit']));
    const commit = new BatchCommit(batch, consumed, steps);
    await assert.rejects(commit.run());
    assert.equal(commit.step, 'STAGED');
    await commit.run();
    assert.deepEqual(calls.filter((c) => c.startsWith('stage')).length, 3);
    assert.deepEqual(calls.slice(3), ['commit', 'commit', 'ackLog', 'announce']);
  });

  it('stages every file again when the commit found its staged files lost (an upload the store can no longer complete)', async () => {
    const { steps, calls } = recordingSteps(new Set());
    let lost = true;
    const commit = new BatchCommit(batch, consumed, {
      ...steps,
      commit: async (files, positions) => {
        if (!lost) return steps.commit(files, positions);
        lost = false;
        calls.push('commit');
        throw new GamepipeError('LAKE_STAGED_LOST', 'injected: a staged upload is gone');
      },
    });
    await assert.rejects(commit.run(), /a staged upload is gone/);
    assert.equal(commit.step, 'ROUTED', 'nothing of the batch is staged any more');
    assert.deepEqual([...commit.stagedPaths], [], 'a resync keeps none of the lost files');
    await commit.run();
    assert.deepEqual(calls, [
      'stage 0+0',
      'stage 1+0',
      'stage 0+10',
      'commit',
      'stage 0+0',
      'stage 1+0',
      'stage 0+10',
      'commit',
      'ackLog',
      'announce',
    ]);
  });

  it('stops at the step it is asked to: staged now, committed and the rest later', async () => {
    const { steps, calls } = recordingSteps(new Set());
    const commit = new BatchCommit(batch, consumed, steps);
    await commit.run('STAGED');
    assert.equal(commit.step, 'STAGED');
    assert.deepEqual(calls, ['stage 0+0', 'stage 1+0', 'stage 0+10']);
    await commit.run();
    assert.equal(commit.step, 'ANNOUNCED');
    assert.deepEqual(calls.slice(3), ['commit', 'ackLog', 'announce']);
  });
});
