import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLedgers, type ReplayLedger, writePendingLedger } from '../../src/deadletters/replay-ledger.js';
import { scrubReplayLedgers } from '../../src/erase/scrub-replay-ledgers.js';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { sampleEvent } from '../helpers/events.js';

describe('erase in the dead-letter replay ledgers', () => {
  it("pseudonymises the player's replayed records and keeps every id, offset and the other players' records", async () => {
    const storage = new MemoryLakeStorage();
    const mine: Record<string, unknown> = { ...sampleEvent(2), username: 'ann' };
    const theirs: Record<string, unknown> = { ...sampleEvent(3), username: 'bob' };
    const ledger: ReplayLedger = {
      id: '20261207T000000000Z-abcd',
      createdAt: new Date().toISOString(),
      state: 'done',
      topic: 'events',
      logEndBefore: { '0': 10 },
      fix: '--set username=ann',
      items: [
        { deadLetter: '0:3', writer: 'buy', eventId: String(mine.event_id), key: 'ann', value: JSON.stringify(mine) },
        {
          deadLetter: '0:4',
          writer: 'guild',
          eventId: String(theirs.event_id),
          key: 'bob',
          value: JSON.stringify(theirs),
        },
      ],
    };
    await writePendingLedger(storage, ledger);
    assert.equal(await scrubReplayLedgers(storage, 'ann', 'erased-1'), 1);
    const [after] = await readLedgers(storage);
    assert.ok(!JSON.stringify(after).includes('ann'), JSON.stringify(after));
    assert.equal(after!.fix, '--set username=erased-1');
    assert.deepEqual(
      after!.items.map((i) => [i.deadLetter, i.eventId, i.key, JSON.parse(i.value).username]),
      [
        ['0:3', mine.event_id, 'erased-1', 'erased-1'],
        ['0:4', theirs.event_id, 'bob', 'bob'],
      ],
    );
    assert.equal(JSON.parse(after!.items[0]!.value).user_agent, undefined, 'the user agent goes');
    assert.equal(after!.items[1]!.value, JSON.stringify(theirs));
    assert.equal(await scrubReplayLedgers(storage, 'ann', 'erased-2'), 0, 'nothing left the second time');
  });
});
