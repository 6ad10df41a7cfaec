import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { encodePosition, POSITIONS_DIR } from '../../src/lake/commit/recover-positions.js';
import { LakeCatalogRegistry } from '../../src/sql/engines/lake-catalog-registry.js';
import { allTableSpecs } from '../../src/sql/lake-tables.js';
import { openQueryEngine } from '../../src/sql/open-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { sampleRecords } from '../helpers/events.js';
import { localLake } from '../helpers/lake-query.js';
import { tempDir } from '../helpers/temp-dir.js';
import { streamOnce, testConfig } from '../report/simulated-lake.js';
import { gamepipe } from '../helpers/cli.js';

/** Records no table takes: not JSON, and a buy without its fields (dead letters of `unrouted` and `buy`). */
const refused = [
  { key: null, value: 'not json, password=hunter2' },
  { key: 'user1', value: JSON.stringify({ event_type: 'buy_item', event_id: 'x' }) },
];

async function appendToLog(dataDir: string, records: { key: string | null; value: string }[]): Promise<void> {
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  try {
    await log.append(records);
  } finally {
    await log.close();
  }
}

async function rowsOf(dataDir: string, sql: string): Promise<unknown[][]> {
  const engine = await openQueryEngine(testConfig(dataDir), localLake(dataDir));
  try {
    return (await queryAll(engine, sql)).rows;
  } finally {
    await engine.close();
  }
}

/** Per table: its row count and a digest of every row, every column (dt included), in log order. */
async function tableDigests(dataDir: string, logTail = true): Promise<Record<string, unknown[]>> {
  const engine = await openQueryEngine(testConfig(dataDir), localLake(dataDir), { logTail });
  try {
    const digests: Record<string, unknown[]> = {};
    for (const spec of allTableSpecs) {
      const sql = `select count(*), md5(coalesce(string_agg(t::varchar, '|' order by log_partition, log_offset), '')) from ${spec.table} t`;
      digests[spec.table] = (await queryAll(engine, sql)).rows[0]!;
    }
    return digests;
  } finally {
    await engine.close();
  }
}

const counts = (digests: Record<string, unknown[]>) =>
  Object.fromEntries(Object.entries(digests).map(([table, [count]]) => [table, count]));

it('a query reads the rows the log holds before a writer lands them: the same rows, every column, as from the files after, each once', async () => {
  const dataDir = tempDir();
  await new LakeCatalogRegistry(localLake(dataDir)).create(allTableSpecs);
  await streamOnce(dataDir); // a writer has started on the data dir: its tables' rows are read from the tail
  await appendToLog(dataDir, [...sampleRecords(50), ...refused]);

  const beforeLanding = await tableDigests(dataDir);
  assert.deepEqual(counts(beforeLanding), { events_buy: 30, events_guild: 10, events_user: 10, events_dead_letter: 2 });
  assert.deepEqual(
    counts(await tableDigests(dataDir, false)),
    { events_buy: 0, events_guild: 0, events_user: 0, events_dead_letter: 0 },
    'the lake alone holds nothing yet',
  );

  await streamOnce(dataDir);
  const landed = await tableDigests(dataDir);
  assert.deepEqual(landed, beforeLanding, 'the tail showed exactly what the writer landed');
  assert.deepEqual(await tableDigests(dataDir, false), landed, 'all of it is in the files now');

  await appendToLog(dataDir, sampleRecords(10, 50));
  assert.deepEqual(
    counts(await tableDigests(dataDir)),
    { events_buy: 36, events_guild: 12, events_user: 12, events_dead_letter: 2 },
    'files and tail together',
  );
  assert.deepEqual(
    await rowsOf(dataDir, "select count(*) from events_dead_letter where raw_event like '%hunter2%'"),
    [[0]],
    'dead letters are redacted as the writer redacts them',
  );
  assert.deepEqual(
    await rowsOf(dataDir, 'show tables'),
    allTableSpecs.map((s) => [s.table]).sort(),
    'the tail is staged out of sight',
  );
});

it('a commit caught between moving its files and recording its position counts each row once', async () => {
  const dataDir = tempDir();
  await new LakeCatalogRegistry(localLake(dataDir)).create(allTableSpecs);
  await appendToLog(dataDir, [...sampleRecords(40), ...refused]);
  await streamOnce(dataDir);
  const landed = await tableDigests(dataDir, false);
  // The files are in place and the positions still say nothing landed: what a query sees while a commit's moves are done and its positions not yet.
  const positions = join(dataDir, 'lake', POSITIONS_DIR);
  for (const name of readdirSync(positions)) writeFileSync(join(positions, name), encodePosition(0));
  assert.deepEqual(await tableDigests(dataDir), landed);
});

it("the tail holds only the tables a writer lands: with gamepipe stream buy, the buys not landed yet and no other table's rows", async () => {
  const dataDir = tempDir();
  assert.equal(gamepipe(['tables', 'create', 'all', '--data-dir', dataDir]).status, 0);
  await appendToLog(dataDir, sampleRecords(20));
  assert.deepEqual(
    counts(await tableDigests(dataDir)),
    { events_buy: 0, events_guild: 0, events_user: 0, events_dead_letter: 0 },
    'no writer has started: the lake alone',
  );
  const stream = gamepipe(['stream', 'buy', '--once', '--data-dir', dataDir]);
  assert.equal(stream.status, 0, stream.stderr);
  await appendToLog(dataDir, sampleRecords(20, 20));
  assert.deepEqual(counts(await tableDigests(dataDir)), {
    events_buy: 24,
    events_guild: 0,
    events_user: 0,
    events_dead_letter: 0,
  });
  assert.deepEqual(counts(await tableDigests(dataDir, false)), {
    events_buy: 12,
    events_guild: 0,
    events_user: 0,
    events_dead_letter: 0,
  });
  const count = (...flags: string[]) =>
    gamepipe(['query', 'select count(*) from events_buy', '--format', 'csv', '--data-dir', dataDir, ...flags]).stdout;
  assert.deepEqual(
    [count(), count('--no-log-tail')],
    ['count_star()\n24\n', 'count_star()\n12\n'],
    'gamepipe query reads the tail; --no-log-tail the files alone',
  );
});
