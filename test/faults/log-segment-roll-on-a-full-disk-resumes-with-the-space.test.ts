import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { SegmentReader } from '../../src/eventlog/embedded/segment-reader.js';
import { sampleRecords } from '../helpers/events.js';
import { rejection } from '../helpers/rejection.js';
import { smallDisk } from '../helpers/tmpfs-mount.js';

/** Creates empty files until the disk has no inode left; returns them, to free the inodes again. */
function takeEveryInode(dir: string): string[] {
  const taken: string[] = [];
  for (;;) {
    const path = join(dir, `inode-${taken.length}`);
    try {
      writeFileSync(path, '');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return taken;
      throw error;
    }
    taken.push(path);
  }
}

it('a segment roll the full disk refuses fails those appends with one line, and the log rolls once space returns', async (t) => {
  const disk = smallDisk(t, '8m', 'data', { inodes: 64 });
  if (disk === null) return;
  const log = await EmbeddedEventLog.open({ dataDir: disk.dir, topic: 'events', segmentBytes: 2000 });
  try {
    await log.append(sampleRecords(10, 0)); // past segmentBytes: the next append rolls to a new segment file
    const taken = takeEveryInode(disk.dir);
    assert.ok(taken.length > 0, 'the disk had inodes to take');
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await rejection(log.append(sampleRecords(1, 10)));
      assert.equal(refused.code, 'LOG_UNAVAILABLE');
      assert.equal(refused.message, "the embedded event log's disk is full");
    }
    for (const path of taken) rmSync(path);
    await log.append(sampleRecords(5, 10));
    assert.equal(log.endOffset, 15, 'the refused appends took no offset');
  } finally {
    await log.close();
  }
  const reader = SegmentReader.forTopic(disk.dir, 'events', { group: 'test' });
  const records = await reader.poll(100, 0);
  await reader.close();
  assert.deepEqual(
    records.map((r) => r.offset),
    Array.from({ length: 15 }, (_, i) => i),
    'every accepted record, once, in order, across the segments',
  );
});
