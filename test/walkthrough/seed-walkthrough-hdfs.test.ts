import assert from 'node:assert/strict';
import { it } from 'node:test';
import { gamepipe } from '../helpers/cli.js';
import { copyLakeToLocal, hdfsLake } from '../helpers/hdfs-lake.js';
import { queryLake } from '../helpers/lake-query.js';
import { requireHdfs } from '../helpers/services.js';
import { tempDir } from '../helpers/temp-dir.js';
import { assertSeedEvents, runSeedWalkthrough } from './seed-walkthrough.js';

const TABLES = ['events_buy', 'events_guild', 'events_user', 'events_dead_letter'];

it("the seed's walkthrough lands on HDFS: every row read back from HDFS equals the embedded lake's for the same events", async (t) => {
  if (!(await requireHdfs(t))) return;
  const cwd = tempDir();
  const { events } = await runSeedWalkthrough(cwd, [], 'user1');
  assertSeedEvents(events, 'user1');
  const lake = hdfsLake('walkthrough');

  const toHdfs = gamepipe(['stream', 'all', '--once', ...lake.flags], { cwd });
  assert.equal(toHdfs.status, 0, toHdfs.stderr);
  assert.match(toHdfs.stdout, new RegExp(`writing to ${lake.uri}`));
  const local = gamepipe(['stream', 'all', '--once'], { cwd });
  assert.equal(local.status, 0, local.stderr);

  const fromHdfs = tempDir();
  const storage = await lake.open();
  assert.ok((await copyLakeToLocal(storage, fromHdfs)) >= 3, 'files landed for buys, guilds and users');
  assert.deepEqual(await storage.list('_tmp'), [], 'no staged file is left on HDFS');
  assert.deepEqual(await storage.list('_wal'), [], 'no unfinished commit is left on HDFS');
  await storage.close();

  for (const table of TABLES) {
    const sql = `select * from ${table} order by log_partition, log_offset`;
    const embedded = await queryLake(`${cwd}/.gamepipe`, sql);
    assert.deepEqual(await queryLake(fromHdfs, sql), embedded, `${table} on HDFS equals the embedded lake`);
    if (table === 'events_buy') assert.equal(embedded.length, events.filter((e) => e.event_type === 'buy_item').length);
  }

  const duckdbOnHdfs = gamepipe(['query', 'select 1', ...lake.flags], { cwd });
  assert.equal(duckdbOnHdfs.status, 1);
  assert.match(
    duckdbOnHdfs.stderr,
    /^gamepipe: DuckDB reads a lake in a local directory; this lake is hdfs:\/\/.*--trino-url.*\n$/,
  );

  const status = gamepipe(['status', '--json', ...lake.flags], { cwd });
  assert.equal(status.status, 0, status.stderr);
  const report = JSON.parse(status.stdout) as {
    lake: { uri: string; reachable: string };
    writers: { owner: string; lag: number }[];
  };
  assert.deepEqual(report.lake, { uri: lake.uri, reachable: 'ok' });
  assert.ok(
    report.writers.every((w) => w.lag === 0),
    'the HDFS writers are caught up',
  );
});

it('a lake on an HDFS that does not answer is one line naming it and how to start it', () => {
  const cwd = tempDir();
  const result = gamepipe(
    ['stream', 'all', '--once', '--lake', 'hdfs://127.0.0.1:1/lake', '--webhdfs-url', 'http://127.0.0.1:1'],
    { cwd },
  );
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^gamepipe: WebHDFS at http:\/\/127\.0\.0\.1:1 is not reachable.*start HDFS.*\n$/);
});
