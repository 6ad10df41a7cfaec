import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { tableFiles } from '../../src/sql/lake-tables.js';
import { tableSpecs } from '../../src/events/tables.js';
import { gamepipe } from '../helpers/cli.js';
import { hdfsLake } from '../helpers/hdfs-lake.js';
import { requireHdfs } from '../helpers/services.js';
import { findingsOf, landedRun, trace, verify } from './landed-run.js';

it('on an HDFS lake, verify is clean after a load run, trace finds the row, and a copied file, a deleted one and an orphan temp file are named', async (t) => {
  if (!(await requireHdfs(t))) return;
  const lake = hdfsLake('verify');
  const run = await landedRun(lake.flags, 400);
  const clean = verify(run);
  assert.equal(clean.status, 0, JSON.stringify(clean.report.findings));
  assert.match(clean.report.lake, /^hdfs:\/\//);
  for (const [type, count] of Object.entries(run.summary.accepted.events).filter(([type]) => type !== 'default')) {
    assert.equal(clean.report.tallies.find((tally) => tally.eventType === type)!.lake, count, type);
  }

  const storage = await lake.open();
  try {
    const buy = tableSpecs.find((s) => s.name === 'buy')!;
    const files = await tableFiles(storage, buy);
    assert.ok(files.length >= 3, `${files.length} buy files`);
    const query = gamepipe(['query', 'select 1', ...lake.flags], { cwd: run.cwd });
    assert.notEqual(query.status, 0, 'DuckDB does not read HDFS: trace and verify must not need it');

    const [copied, deleted] = [files[0]!, files[1]!];
    const eventInDeleted = await firstEventId(run.cwd, lake.flags, deleted.firstOffset);
    const traced = trace(run, eventInDeleted);
    assert.equal(traced.status, 0);
    assert.deepEqual(
      [traced.trace.stage, traced.trace.file!.path, traced.trace.log!.offset],
      ['lake', deleted.path, deleted.firstOffset],
    );

    const copy = copied.path.replace(
      /events\+\d+\+\d+\+\d+\.parquet$/,
      `events+0+${copied.lastOffset + 9000}+${copied.lastOffset + 9999}.parquet`,
    );
    await storage.create(copy, (await storage.read(copied.path))!);
    await storage.delete(deleted.path);
    const staged = `_tmp/buy+0-${randomUUID()}.parquet`;
    await storage.create(staged, Buffer.from('half a file'));

    const { status, report } = verify(run);
    assert.equal(status, 3);
    assert.deepEqual(
      findingsOf(report, 'duplicate').map((f) => f.where),
      [`${copied.path} and ${copy}`],
    );
    assert.deepEqual(
      findingsOf(report, 'missing').map((f) => f.where),
      [`events_buy partition 0 offsets ${deleted.firstOffset}-${deleted.lastOffset}`],
    );
    assert.deepEqual(
      findingsOf(report, 'orphan-temp').map((f) => f.where),
      [staged],
    );
    assert.equal(trace(run, eventInDeleted).trace.stage, 'lost');
  } finally {
    await storage.close();
  }
});

/** The event at this log offset, read from the log (the lake is on HDFS, which DuckDB does not read). */
async function firstEventId(cwd: string, flags: string[], offset: number): Promise<string> {
  const tail = gamepipe(['events', 'tail', '--from-beginning', '--exit', ...flags], { cwd });
  assert.equal(tail.status, 0, tail.stderr);
  const event = JSON.parse(tail.stdout.trim().split('\n')[offset]!) as { event_id: string; event_type: string };
  assert.equal(event.event_type, 'buy_item');
  return event.event_id;
}
