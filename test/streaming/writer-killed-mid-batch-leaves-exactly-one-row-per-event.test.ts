import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleRecords } from '../helpers/events.js';
import { killStreamMidBatch } from '../helpers/stream-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const EVENTS = 100_000;
const KILLS = 5;

it('a writer killed with SIGKILL mid-batch five times still leaves exactly one row per event and no partial file', async () => {
  const dataDir = tempDir();
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  for (let i = 0; i < EVENTS; i += 10_000) await log.append(sampleRecords(10_000, i));
  await log.close();

  for (let kill = 0; kill < KILLS; kill++)
    assert.ok(
      (await killStreamMidBatch([
        '--trigger',
        '50ms',
        '--max-batch',
        '4000',
        '--max-file-rows',
        '1500',
        '--data-dir',
        dataDir,
      ])) > 0,
      'the writer made progress before it was killed',
    );

  const last = gamepipe(['stream', 'all', '--once', '--json', '--data-dir', dataDir]);
  assert.equal(last.status, 0, last.stderr);
  const finalRows = last.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { rowsWritten: number })
    .reduce((n, p) => n + p.rowsWritten, 0);
  assert.ok(finalRows > 0 && finalRows < EVENTS, `the kills left work for the last run (it wrote ${finalRows})`);

  assert.equal(gamepipe(['tables', 'create', 'all', '--data-dir', dataDir]).status, 0);
  const counts = gamepipe([
    'query',
    '--format',
    'csv',
    '--data-dir',
    dataDir,
    `select (select count(*) from events_buy), (select count(distinct log_offset) from events_buy),
            (select count(*) from events_guild), (select count(distinct log_offset) from events_guild),
            (select count(*) from events_user), (select count(distinct log_offset) from events_user),
            (select count(*) from events_dead_letter)`,
  ]);
  assert.equal(counts.status, 0, counts.stderr);
  assert.deepEqual(
    counts.stdout.trim().split('\n')[1]!.split(',').map(Number),
    [60_000, 60_000, 20_000, 20_000, 20_000, 20_000, 0],
  );
  assert.deepEqual(readdirSync(join(dataDir, 'lake', '_tmp')), [], 'no temporary file is left behind');
  assert.deepEqual(readdirSync(join(dataDir, 'lake', '_wal')), [], 'no unfinished commit is left behind');
});
