import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { sealPersonalFields } from '../../src/events/personal-fields.js';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleEvent } from '../helpers/events.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createTables, streamOnce, testConfig } from '../report/simulated-lake.js';

const flags = { logPersonalFields: 'encrypted' };

/** Lands the log as `gamepipe up` does with sealed fields: opened with the keys of the state store. */
const streamSealed = (dataDir: string, store: EmbeddedStateStore) => streamOnce(dataDir, flags, { playerKeys: store });

/** Appends the i-th sample events of these players, sealed as a server does: the record keyed by the key's id. */
async function appendSealed(dataDir: string, store: EmbeddedStateStore, players: string[], from: number, n: number) {
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  const records = [];
  for (let i = from; i < from + n; i++) {
    const username = players[i % players.length]!;
    const key = (await store.playerKey(username))!;
    records.push({ key: key.id, value: JSON.stringify(sealPersonalFields({ ...sampleEvent(i), username }, key)) });
  }
  await log.append(records);
  await log.close();
}

describe('gamepipe erase with personal fields sealed in the log', () => {
  it("destroys the player's key: the log's records become unreadable, late ones land under the same pseudonym, and the proof certifies", async () => {
    const dataDir = tempDir();
    let store = await EmbeddedStateStore.open(dataDir);
    for (const name of ['ann', 'bob']) await store.createUser(name, 'h', { tokenHash: name, ttlMs: 60_000 });
    await appendSealed(dataDir, store, ['ann', 'bob'], 0, 20);
    await streamSealed(dataDir, store);
    await createTables(testConfig(dataDir, flags));
    await appendSealed(dataDir, store, ['ann', 'bob'], 20, 6); // in the log, not landed yet when ann is erased
    await store.close();

    const cli = (args: string[]) => gamepipe([...args, '--data-dir', dataDir, '--log-personal-fields', 'encrypted']);
    const query = (sql: string) => {
      const r = cli(['query', '--format', 'csv', sql]);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim().split('\n').slice(1).join('|');
    };
    const erased = cli(['erase', '--player', 'ann', '--yes']);
    assert.equal(erased.status, 0, erased.stderr);

    store = await EmbeddedStateStore.open(dataDir);
    try {
      await streamSealed(dataDir, store);
    } finally {
      await store.close();
    }
    const rows = `select username, count(*) from (select username from events_buy union all select username from events_user
      union all select username from events_guild) group by 1 order by 1`;
    const [bob, pseudonym] = query(rows).split('|');
    assert.match(bob!, /^bob,13$/, 'bob, landed in plain');
    assert.match(
      pseudonym!,
      /^erased-[0-9a-f]{24},13$/,
      "all of ann's rows, landed before or after, under one pseudonym",
    );
    assert.equal(query('select count(*) from events_dead_letter'), '0', 'no record of ann became a dead letter');

    const proof = cli(['verify', '--erased', 'ann']);
    assert.equal(proof.status, 0, proof.stdout);
    assert.match(
      proof.stdout,
      /^Certified: nothing of ann is readable in state store, lake files, replay ledgers, event log/,
    );
  });
});
