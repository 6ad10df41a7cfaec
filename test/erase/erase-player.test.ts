import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleEvent } from '../helpers/events.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createTables, streamOnce, testConfig } from '../report/simulated-lake.js';

const DAY_MS = 86_400_000;
const PLAYERS = 7;

/**
 * A data dir with 7 players' accounts and their events landed: half of them three days ago (a
 * closed day), half today (the open day), and one of user3's buys refused (a dead letter).
 */
async function playedLake(flags: Record<string, string>): Promise<string> {
  const dataDir = tempDir();
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  const records = Array.from({ length: 60 }, (_, i) => {
    const event: Record<string, unknown> = { ...sampleEvent(i) };
    if (i % 2 === 0) event.event_ts = Date.now() - 3 * DAY_MS;
    return { key: String(event.username), value: JSON.stringify(event) };
  });
  const refused = { ...sampleEvent(10), quantity: 'two' };
  await log.append([...records, { key: 'user3', value: JSON.stringify(refused) }]);
  await log.close();
  await streamOnce(dataDir, flags);
  await createTables(testConfig(dataDir, flags));
  const state = await EmbeddedStateStore.open(dataDir);
  for (let i = 0; i < PLAYERS; i++) await state.createUser(`user${i}`, 'hash', { tokenHash: `t${i}`, ttlMs: 60_000 });
  await state.close();
  return dataDir;
}

const flagArgs = (flags: Record<string, string>) =>
  Object.entries(flags).flatMap(([k, v]) => [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v]);

/** Every file under the lake with its size and time: what a run that changes nothing leaves as it was. */
function lakeListing(dataDir: string): string[] {
  const root = join(dataDir, 'lake');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return e.name === '_scratch' ? [] : walk(path);
      const s = statSync(path);
      return [`${relative(root, path)} ${s.size} ${s.mtimeMs}`];
    });
  return walk(root).sort();
}

for (const flags of [{}, { tableFormat: 'iceberg' }] as Record<string, string>[]) {
  describe(`gamepipe erase on ${flags.tableFormat ?? 'hive'} tables (embedded)`, () => {
    it('erases a player from the state store and every lake file, keeps the figures, and proves it', async () => {
      const dataDir = await playedLake(flags);
      const cli = (args: string[]) => gamepipe([...args, '--data-dir', dataDir, ...flagArgs(flags)]);
      const query = (sql: string): string[] => {
        const r = cli(['query', '--format', 'csv', sql]);
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim().split('\n').slice(1);
      };
      // One query for the figures and user3's rows: each CLI run costs a second or two.
      const figuresAndUser3 = () =>
        query(`select (select count(*) || ' ' || sum(total_price) || ' ' || count(distinct username) from events_buy),
          (select count(*) || ' ' || count(distinct username) from events_user),
          (select count(*) || ' ' || count(distinct username) from events_guild),
          (select count(*) from events_dead_letter),
          (select count(*) from events_buy where username = 'user3' or raw_event like '%"user3"%')
            + (select count(*) from events_user where username = 'user3' or raw_event like '%"user3"%')
            + (select count(*) from events_guild where username = 'user3' or raw_event like '%"user3"%')
            + (select count(*) from events_dead_letter where raw_event like '%"user3"%'),
          (select count(distinct username) from events_buy where username like 'erased-%')`)[0]!.split(',');
      const user3Rows = () => figuresAndUser3()[4];
      const start = figuresAndUser3();
      const before = start.slice(0, 4);
      assert.notEqual(start[4], '0');

      const dry = cli(['erase', '--player', 'user3']);
      assert.equal(dry.status, 0, dry.stderr);
      assert.match(dry.stdout, /^Would erase user3: .*nothing changed: add --yes/);
      assert.notEqual(user3Rows(), '0', 'without --yes nothing changes');

      const erased = cli(['erase', '--player', 'user3', '--yes', '--json']);
      assert.equal(erased.status, 0, erased.stderr);
      const outcome = JSON.parse(erased.stdout) as { result: string; account: boolean; rows: number };
      assert.equal(outcome.result, 'erased');
      assert.equal(outcome.account, true);
      assert.ok(outcome.rows >= 9, erased.stdout);
      const after = figuresAndUser3();
      assert.equal(after[4], '0', 'no row of user3 anywhere');
      assert.deepEqual(after.slice(0, 4), before, 'counts, revenue and distinct players are the same');
      assert.equal(after[5], '1', 'one pseudonym for the player');

      // The log cannot be rewritten: with personal fields in plain, the proof names it and nothing else.
      const proof = cli(['verify', '--erased', 'user3', '--json']);
      assert.equal(proof.status, 3, proof.stderr);
      const found = JSON.parse(proof.stdout) as { certified: boolean; findings: { where: string; what: string }[] };
      assert.equal(found.certified, false);
      assert.deepEqual(
        found.findings.map((f) => f.where.split(' (')[0]),
        ['the event log'],
        proof.stdout,
      );
      assert.match(found.findings[0]!.what, /^10 records of the player still readable/);

      const listing = lakeListing(dataDir);
      const again = cli(['erase', '--player', 'user3', '--yes']);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /^user3 was erased at .*nothing changed/);
      assert.deepEqual(
        lakeListing(dataDir).filter((l) => !l.startsWith('_erasures/')),
        listing.filter((l) => !l.startsWith('_erasures/')),
      );

      const unknown = cli(['erase', '--player', 'nobody', '--yes']);
      assert.equal(unknown.status, 1);
      assert.equal(unknown.stderr.trim().split('\n').length, 1, unknown.stderr);
      assert.match(unknown.stderr, /no player nobody/);

      const other = cli(['verify', '--erased', 'user4', '--json']);
      assert.equal(other.status, 3);
      const wheres = (JSON.parse(other.stdout) as { findings: { where: string }[] }).findings.map((f) => f.where);
      assert.ok(wheres.includes('state store'), other.stdout);
      assert.ok(
        wheres.some((w) => w.startsWith('events_buy/')),
        other.stdout,
      );
    });
  });
}
