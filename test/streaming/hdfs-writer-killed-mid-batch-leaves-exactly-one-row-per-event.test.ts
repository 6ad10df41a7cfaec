import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleRecords } from '../helpers/events.js';
import { copyLakeToLocal, hdfsLake } from '../helpers/hdfs-lake.js';
import { queryLake } from '../helpers/lake-query.js';
import { requireHdfs } from '../helpers/services.js';
import { killStreamMidBatch } from '../helpers/stream-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const EVENTS = 100_000;
const KILLS = 5;

it('a writer to HDFS killed with SIGKILL mid-batch five times leaves exactly one row per event, no staged file and no pending intent', async (t) => {
  if (!(await requireHdfs(t))) return;
  const dataDir = tempDir();
  const lake = hdfsLake('kills');
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  for (let i = 0; i < EVENTS; i += 10_000) await log.append(sampleRecords(10_000, i));
  await log.close();

  const flags = ['--data-dir', dataDir, ...lake.flags];
  for (let kill = 0; kill < KILLS; kill++) {
    assert.ok(
      (await killStreamMidBatch(['--trigger', '100ms', '--max-batch', '6000', '--max-file-rows', '2500', ...flags])) >
        0,
      'the writer made progress before it was killed',
    );
  }
  const last = gamepipe(['stream', 'all', '--once', '--json', ...flags], { timeoutMs: 300_000 });
  assert.equal(last.status, 0, last.stderr);
  const finalRows = last.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { rowsWritten: number })
    .reduce((n, p) => n + p.rowsWritten, 0);
  assert.ok(finalRows > 0 && finalRows < EVENTS, `the kills left work for the last run (it wrote ${finalRows})`);

  const storage = await lake.open();
  const local = tempDir();
  await copyLakeToLocal(storage, local);
  assert.deepEqual(await storage.list('_tmp'), [], 'no staged file is left on HDFS');
  assert.deepEqual(await storage.list('_wal'), [], 'no pending intent is left on HDFS');
  await storage.close();
  const counts = await queryLake(
    local,
    `select (select count(*) from events_buy), (select count(distinct log_offset) from events_buy),
            (select count(*) from events_guild), (select count(distinct log_offset) from events_guild),
            (select count(*) from events_user), (select count(distinct log_offset) from events_user),
            (select count(*) from events_dead_letter)`,
  );
  assert.deepEqual(counts, [[60_000, 60_000, 20_000, 20_000, 20_000, 20_000, 0]]);
});
