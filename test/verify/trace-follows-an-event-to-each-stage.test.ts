import assert from 'node:assert/strict';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { parquetDecompressors } from '../../src/lake/parquet/parquet-codecs.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { eventBuilders } from '../../src/events/event-builders.js';
import { newEventId } from '../../src/events/event-id.js';
import { gamepipe } from '../helpers/cli.js';
import { copyOf, landedRun, localLake, trace, type LandedRun } from './landed-run.js';

const envelope = () => ({
  event_ts: Date.now(),
  accept: '*/*',
  host: 'tracer.comcast.com',
  user_agent: 'trace-test',
  username: 'tracer',
});
const purchase = () =>
  eventBuilders.buy_item({
    ...envelope(),
    item_type: 'sword',
    item_category: 'weapon',
    item_quality: 'common',
    quantity: 1,
    price: 10,
    total_price: 10,
    item_count: 1,
    inventory_count: 1,
  });

async function append(run: LandedRun, values: string[]): Promise<void> {
  const log = await EmbeddedEventLog.open({ dataDir: join(run.cwd, '.gamepipe'), topic: 'events' });
  try {
    await log.append(values.map((value) => ({ key: 'tracer', value })));
  } finally {
    await log.close();
  }
}

// A landed load run, then a refused purchase (no item_type) and a default event landed by the writers, then a purchase they have not read yet.
const run = await landedRun();
const refused = newEventId();
const kept = eventBuilders.default(envelope());
const { item_type: _dropped, ...withoutItem } = purchase();
await append(run, [JSON.stringify({ ...withoutItem, event_id: refused }), JSON.stringify(kept)]);
assert.equal(gamepipe(['stream', 'all', '--once'], { cwd: run.cwd }).status, 0);
const waiting = purchase();
await append(run, [JSON.stringify(waiting)]);

function landedPurchase(): { eventId: string; offset: number } {
  const result = gamepipe(
    ['query', 'select event_id, log_offset from events_buy order by log_offset limit 1 offset 7', '--format', 'csv'],
    { cwd: run.cwd },
  );
  assert.equal(result.status, 0, result.stderr);
  const [eventId, offset] = result.stdout.trim().split('\n')[1]!.split(',');
  return { eventId: eventId!, offset: Number(offset) };
}

it('an event in the lake: its route, time, log position, and the file and row that hold it', async () => {
  const { eventId, offset } = landedPurchase();
  const { status, trace: t } = trace(run, eventId);
  assert.equal(status, 0);
  assert.equal(t.stage, 'lake');
  assert.equal(t.eventType, 'buy_item');
  assert.match(t.request.route!, /^\/buy\/[a-z]+$/);
  assert.ok(Date.parse(t.request.acceptedAt) <= Date.parse(t.log!.appendedAt));
  assert.deepEqual([t.log!.partition, t.log!.offset], [0, offset]);
  const rows = await parquetReadObjects({
    compressors: parquetDecompressors,
    file: await asyncBufferFromFile(join(localLake(run), t.file!.path)),
    columns: ['event_id', 'log_offset'],
  });
  assert.deepEqual(rows[t.file!.row], { event_id: eventId, log_offset: BigInt(offset) });
  const text = gamepipe(['trace', eventId], { cwd: run.cwd });
  assert.match(text.stdout, new RegExp(`^file     ${t.file!.path.replaceAll('+', '\\+')}, row ${t.file!.row}$`, 'm'));
});

it("the status comes from the server's request log when it is given", () => {
  const { eventId } = landedPurchase();
  writeFileSync(
    join(run.cwd, 'server.log'),
    [
      JSON.stringify({
        level: 20,
        component: 'http',
        method: 'GET',
        route: '/buy/:item',
        status: 200,
        event_id: newEventId(),
      }),
      'not json',
      JSON.stringify({
        level: 20,
        component: 'http',
        method: 'POST',
        route: '/buy/:item',
        status: 201,
        event_id: eventId,
      }),
    ].join('\n'),
  );
  const result = gamepipe(['trace', eventId, '--json', '--server-log', 'server.log'], { cwd: run.cwd });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).request.status, 201);
});

it('an event refused by its writer: the dead-letter file and the reason', () => {
  const { status, trace: t } = trace(run, refused);
  assert.equal(status, 3);
  assert.equal(t.stage, 'dead-letter');
  assert.match(t.file!.path, /^events_dead_letter\/buy\/dt=\d{4}-\d\d-\d\d\/events\+0\+\d+\+\d+\.parquet$/);
  assert.match(t.detail, /item_type/);
});

it('an event no table holds stays in the log, which is where it belongs', () => {
  const { status, trace: t } = trace(run, kept.event_id);
  assert.equal(status, 0);
  assert.equal(t.stage, 'log-only');
  assert.equal(t.request.route, '/');
});

it("an event beyond its writer's committed position: the position and how many events are still to go", () => {
  const { status, trace: t } = trace(run, waiting.event_id);
  assert.equal(status, 3);
  assert.equal(t.stage, 'pending');
  assert.equal(t.lag, t.log!.offset - t.writerPosition! + 1);
  assert.equal(t.lag, 1);
});

it('an event the log never got, and one whose file was lost', () => {
  const never = trace(run, newEventId());
  assert.equal(never.status, 3);
  assert.equal(never.trace.stage, 'not-in-log');
  assert.equal(never.trace.log, null);

  const damaged = copyOf(run);
  const { eventId } = landedPurchase();
  unlinkSync(join(localLake(damaged), trace(damaged, eventId).trace.file!.path));
  const lost = trace(damaged, eventId);
  assert.equal(lost.status, 3);
  assert.equal(lost.trace.stage, 'lost');
  assert.match(lost.trace.detail, /gamepipe verify/);
});

it('a bad id gets one line and exit 2', () => {
  for (const bad of ['not-an-id', "1'; drop table events_buy; --", '01a227e2-262a-7000-a508']) {
    const result = gamepipe(['trace', bad], { cwd: run.cwd });
    assert.equal(result.status, 2, bad);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});

it('verify names the dead letter, and counts the purchase not read yet as pending, not missing', () => {
  const result = gamepipe(['verify', '--json'], { cwd: run.cwd });
  assert.equal(result.status, 3, result.stderr);
  const report = JSON.parse(result.stdout) as {
    findings: { kind: string; where: string; what: string }[];
    tallies: { eventType: string; pending: number; deadLetters: number }[];
  };
  assert.deepEqual(
    report.findings.filter((f) => f.kind !== 'note').map((f) => f.kind),
    ['dead-letter'],
  );
  assert.match(
    report.findings.find((f) => f.kind === 'dead-letter')!.what,
    new RegExp(`event_id ${refused} at 0:\\d+: item_type`),
  );
  const buy = report.tallies.find((t) => t.eventType === 'buy_item')!;
  assert.deepEqual([buy.pending, buy.deadLetters], [1, 1]);
});
