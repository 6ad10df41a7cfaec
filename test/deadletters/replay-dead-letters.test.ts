import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replayEventId } from '../../src/deadletters/replay-dead-letters.js';
import { REPLAYS_DIR, type ReplayLedger, readLedgers } from '../../src/deadletters/replay-ledger.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleEvent, sampleRecords } from '../helpers/events.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createTables, streamOnce, testConfig } from '../report/simulated-lake.js';

/** A data dir whose log holds valid events and refused ones: buys with a text quantity, and a line that is not JSON. */
async function lakeWithDeadLetters(): Promise<{ dataDir: string; badBuys: string[] }> {
  const dataDir = tempDir();
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  const badBuys: string[] = [];
  const bad = [0, 1, 2].map((i) => {
    const event: Record<string, unknown> = { ...sampleEvent(i * 5), quantity: 'two' };
    badBuys.push(String(event.event_id));
    return { key: String(event.username), value: JSON.stringify(event) };
  });
  await log.append([...sampleRecords(10), ...bad, { key: null, value: 'buy sword please' }, ...sampleRecords(5, 10)]);
  await log.close();
  await streamOnce(dataDir);
  await createTables(testConfig(dataDir));
  return { dataDir, badBuys };
}

const cli = (dataDir: string, args: string[]) => gamepipe([...args, '--data-dir', dataDir]);

function json<T>(dataDir: string, args: string[]): T {
  const r = cli(dataDir, [...args, '--json']);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

function count(dataDir: string, sql: string): number {
  const r = cli(dataDir, ['query', '--format', 'csv', sql]);
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim().split('\n')[1]);
}

interface Outcome {
  replayed: { deadLetter: string; eventId: string }[];
  skipped: { deadLetter: string; why: string }[];
  finished: { ledger: string; appended: number }[];
}

describe('gamepipe deadletters: list, show, replay exactly once', () => {
  it('lists and shows the refused records, replays the fixed ones once, and a second replay changes nothing', async () => {
    const { dataDir, badBuys } = await lakeWithDeadLetters();
    const listed = json<{ groups: { writer: string; reason: string; count: number }[]; replayed: number }>(dataDir, [
      'deadletters',
      'list',
    ]);
    assert.deepEqual(
      listed.groups.map((g) => [g.writer, g.count]),
      [
        ['buy', 3],
        ['unrouted', 1],
      ],
    );
    assert.equal(listed.replayed, 0);
    const shown = cli(dataDir, ['deadletters', 'show', '0:10']);
    assert.equal(shown.status, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).writer, 'buy');

    const dry = json<Outcome>(dataDir, ['deadletters', 'replay', '--dry-run']);
    assert.equal(dry.replayed.length, 0, 'unchanged, they are still invalid');
    assert.equal(dry.skipped.length, 4);
    assert.ok(
      dry.skipped.every((s) => /still invalid|not JSON/.test(s.why)),
      JSON.stringify(dry.skipped),
    );

    const buysBefore = count(dataDir, 'select count(*) from events_buy');
    const fixed = json<Outcome>(dataDir, ['deadletters', 'replay', '--writer', 'buy', '--set', 'quantity=2']);
    assert.deepEqual(fixed.replayed.map((r) => r.eventId).sort(), [...badBuys].sort(), 'each keeps its event id');
    await streamOnce(dataDir);
    assert.equal(count(dataDir, 'select count(*) from events_buy'), buysBefore + 3);
    const ids = badBuys.map((id) => `'${id}'`).join(', ');
    assert.equal(count(dataDir, `select count(*) from events_buy where event_id in (${ids}) and quantity = 2`), 3);

    const again = json<Outcome>(dataDir, ['deadletters', 'replay', '--writer', 'buy', '--set', 'quantity=2']);
    assert.equal(again.replayed.length, 0, 'a second replay appends nothing');
    assert.ok(again.skipped.every((s) => s.why.startsWith('already replayed')));
    await streamOnce(dataDir);
    assert.equal(count(dataDir, 'select count(*) from events_buy'), buysBefore + 3, 'still once');
    assert.equal(json<{ replayed: number }>(dataDir, ['deadletters', 'list']).replayed, 3);

    // verify: the replayed dead letters are accounted for, their event ids twice in the log are no duplicate.
    const verified = cli(dataDir, ['verify', '--json']);
    const kinds = (JSON.parse(verified.stdout) as { findings: { kind: string; where: string }[] }).findings.map(
      (f) => f.kind,
    );
    assert.ok(kinds.includes('replayed'), verified.stdout);
    assert.ok(!kinds.includes('duplicate') && !kinds.includes('missing'), verified.stdout);
    assert.deepEqual(
      kinds.filter((k) => k === 'dead-letter'),
      ['dead-letter'],
      'only the record that is not JSON is still a discrepancy',
    );
    const traced = cli(dataDir, ['trace', badBuys[0]!, '--json']);
    assert.equal(traced.status, 0, traced.stdout);
    assert.equal(JSON.parse(traced.stdout).stage, 'lake', 'trace follows the event to its replay');
  });

  it('verify names a replay whose record is not in the log', async () => {
    const { dataDir } = await lakeWithDeadLetters();
    const storage = new LocalLakeStorage(join(dataDir, 'lake'));
    const lost: ReplayLedger = {
      id: '20261207T000000000Z-lost',
      createdAt: new Date().toISOString(),
      state: 'done',
      topic: 'events',
      logEndBefore: { '0': 19 },
      fix: '--set quantity=2',
      items: [{ deadLetter: '0:10', writer: 'buy', eventId: 'never-appended', key: null, value: '{}' }],
    };
    await storage.create(`${REPLAYS_DIR}/${lost.id}.json`, Buffer.from(JSON.stringify(lost)));
    await storage.close();
    const verified = cli(dataDir, ['verify', '--json']);
    assert.equal(verified.status, 3, verified.stderr);
    const findings = (JSON.parse(verified.stdout) as { findings: { kind: string; where: string }[] }).findings;
    assert.ok(
      findings.some((f) => f.kind === 'missing' && f.where === `_replays/${lost.id}.json`),
      verified.stdout,
    );
  });

  it('finishes a replay stopped before it was marked done: appends what is not in the log, once', async () => {
    const { dataDir } = await lakeWithDeadLetters();
    const storage = new LocalLakeStorage(join(dataDir, 'lake'));
    // Stopped after its ledger was written: one record appended, the other not.
    const appended: Record<string, unknown> = { ...sampleEvent(100), quantity: 3 };
    const notAppended: Record<string, unknown> = { ...sampleEvent(105), quantity: 4 };
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    const pending: ReplayLedger = {
      id: '20261207T000000000Z-stopped',
      createdAt: new Date().toISOString(),
      state: 'pending',
      topic: 'events',
      logEndBefore: { '0': 19 },
      fix: '--set quantity=3',
      items: [appended, notAppended].map((e, i) => ({
        deadLetter: `0:${10 + i}`,
        writer: 'buy',
        eventId: String(e.event_id),
        key: String(e.username),
        value: JSON.stringify(e),
      })),
    };
    await storage.create(`${REPLAYS_DIR}/${pending.id}.json`, Buffer.from(JSON.stringify(pending)));
    await log.append([{ key: String(appended.username), value: JSON.stringify(appended) }]);
    await log.close();

    const outcome = json<Outcome>(dataDir, ['deadletters', 'replay', '--writer', 'buy', '--set', 'quantity=2']);
    assert.deepEqual(outcome.finished, [{ ledger: pending.id, appended: 1 }], 'only the record not in the log');
    assert.deepEqual(
      outcome.replayed.map((r) => r.deadLetter),
      ['0:12'],
      'the two the stopped replay named are not replayed again',
    );
    await streamOnce(dataDir);
    for (const e of [appended, notAppended])
      assert.equal(count(dataDir, `select count(*) from events_buy where event_id = '${e.event_id}'`), 1);
    assert.ok((await readLedgers(storage)).every((l) => l.state === 'done'));
    await storage.close();
  });

  it('refuses what it cannot read in one line (exit 2) and changes nothing', async () => {
    const { dataDir } = await lakeWithDeadLetters();
    writeFileSync(join(dataDir, 'patch.json'), '{"quantity": ');
    for (const args of [
      ['replay', '--writer', 'nobody'],
      ['replay', '--ids', '0:1,x'],
      ['replay', '--unset', 'a b'],
      ['replay', '--set', '=3'],
      ['replay', '--patch', `@${join(dataDir, 'patch.json')}`],
      ['replay', '--patch', '[1]'],
      ['show', 'ten'],
    ]) {
      const r = cli(dataDir, ['deadletters', ...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.status} ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
    }
    const missing = cli(dataDir, ['deadletters', 'show', '0:999']);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /no dead letter at 0:999/);
    const storage = new LocalLakeStorage(join(dataDir, 'lake'));
    assert.deepEqual(await readLedgers(storage), [], 'no ledger written');
    await storage.close();
  });

  it('appends an event id once, when the same record was refused twice', async () => {
    const dataDir = tempDir();
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    const event: Record<string, unknown> = { ...sampleEvent(0), quantity: 'two' };
    const record = { key: String(event.username), value: JSON.stringify(event) };
    await log.append([...sampleRecords(3), record, record]);
    await log.close();
    await streamOnce(dataDir);
    await createTables(testConfig(dataDir));
    const outcome = json<Outcome>(dataDir, ['deadletters', 'replay', '--set', 'quantity=2']);
    assert.deepEqual(
      outcome.replayed.map((r) => r.deadLetter),
      ['0:3'],
    );
    assert.match(outcome.skipped.find((s) => s.deadLetter === '0:4')?.why ?? '', /is replayed from 0:3/);
    await streamOnce(dataDir);
    assert.equal(count(dataDir, `select count(*) from events_buy where event_id = '${event.event_id}'`), 1);
  });

  it('gives a dead letter without an event id the same id every time', () => {
    assert.equal(replayEventId('events', '0:7'), replayEventId('events', '0:7'));
    assert.notEqual(replayEventId('events', '0:7'), replayEventId('events', '0:8'));
    assert.match(
      replayEventId('events', '0:7'),
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
