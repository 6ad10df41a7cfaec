import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parquetReadObjects, asyncBufferFromFile } from 'hyparquet';
import { parquetDecompressors } from '../../src/lake/parquet/parquet-codecs.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { IcebergTable } from '../../src/iceberg/iceberg-table.js';
import { LakeIcebergCatalog } from '../../src/iceberg/lake-iceberg-catalog.js';
import type { LiveDataFile } from '../../src/iceberg/data-file.js';
import { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleEvent } from '../helpers/events.js';
import { findingsOf, landedRun, localLake, trace, verify, type LandedRun } from './landed-run.js';

const ICEBERG = ['--table-format', 'iceberg'];

/** A table of a run's lake (events_buy by default), through the lake's own Iceberg catalog. */
async function buyTable(
  run: LandedRun,
  name = 'events_buy',
): Promise<{ storage: LocalLakeStorage; table: IcebergTable }> {
  const storage = new LocalLakeStorage(localLake(run));
  const catalog = new LakeIcebergCatalog({ storage });
  const ident = { database: 'default', table: name };
  const table = await IcebergTable.open({ storage, catalog, ident, dir: name });
  assert.ok(table, `${name} exists`);
  return { storage, table };
}

/** The event id of a lake file's first row. */
async function firstEventId(run: LandedRun, path: string): Promise<string> {
  const file = await asyncBufferFromFile(join(localLake(run), path));
  const [row] = await parquetReadObjects({ compressors: parquetDecompressors, file, columns: ['event_id'], rowEnd: 1 });
  return String(row!.event_id);
}

/** A copy of a live file's bytes under another gamepipe name in the same partition (another random suffix). */
async function copyUnderNewName(storage: LocalLakeStorage, file: LiveDataFile, suffix: string): Promise<string> {
  const path = file.path.replace(/\.[0-9a-f]{8}\.parquet$/, `.${suffix}.parquet`);
  await storage.create(path, (await storage.read(file.path))!);
  return path;
}

const cli = (run: LandedRun, args: string[]) => gamepipe([...args, ...ICEBERG], { cwd: run.cwd });

// Landed once for the file: a load run streamed into Iceberg tables in the lake's own catalog.
const run = await landedRun(ICEBERG, 400);

describe('verify and trace on Iceberg tables (the lake its own catalog)', () => {
  it("reconciles the log with the tables' current snapshots: clean, counts equal the load run; a refused purchase replayed through a fix is accounted for, and trace follows it", async () => {
    const clean = verify(run);
    assert.equal(clean.status, 0, JSON.stringify(clean.report.findings));
    for (const [type, count] of Object.entries(run.summary.accepted.events)) {
      const tally = clean.report.tallies.find((t) => t.eventType === type)!;
      assert.deepEqual([tally.log, tally.pending, tally.lake], [count, 0, type === 'default' ? 0 : count], type);
    }
    assert.ok(clean.report.positions.buy!['0']! > 0, JSON.stringify(clean.report.positions));

    const refused: Record<string, unknown> = { ...sampleEvent(0), quantity: 'two' };
    const log = await EmbeddedEventLog.open({ dataDir: join(run.cwd, '.gamepipe'), topic: 'events' });
    await log.append([{ key: String(refused.username), value: JSON.stringify(refused) }]);
    await log.close();
    assert.equal(cli(run, ['stream', 'all', '--once']).status, 0);
    const dead = trace(run, String(refused.event_id));
    assert.equal(dead.trace.stage, 'dead-letter');
    assert.match(
      dead.trace.file!.path,
      /^events_dead_letter\/data\/dt=[\d-]+\/events\+0\+\d+\+\d+\.buy\.[0-9a-f]{8}\.parquet$/,
    );
    const listed = JSON.parse(cli(run, ['deadletters', 'list', '--json']).stdout) as { groups: { writer: string }[] };
    assert.deepEqual(
      listed.groups.map((g) => g.writer),
      ['buy'],
    );
    const replay = cli(run, ['deadletters', 'replay', '--set', 'quantity=2', '--json']);
    assert.equal(replay.status, 0, replay.stderr);
    assert.equal((JSON.parse(replay.stdout) as { replayed: unknown[] }).replayed.length, 1);
    assert.equal(cli(run, ['stream', 'all', '--once']).status, 0);

    // The log now holds two purchases the server never accepted: the refused one and its replay.
    const summary = JSON.parse(readFileSync(join(run.cwd, 'run.json'), 'utf8'));
    summary.accepted.events.buy_item += 2;
    writeFileSync(join(run.cwd, 'run-and-replay.json'), JSON.stringify(summary));
    const replayed = verify(run, ['--against', 'run-and-replay.json']);
    assert.equal(replayed.status, 0, JSON.stringify(replayed.report.findings));
    assert.equal(findingsOf(replayed.report, 'replayed').length, 1);
    const followed = trace(run, String(refused.event_id));
    assert.equal(followed.status, 0);
    assert.equal(followed.trace.stage, 'lake');
    assert.match(followed.trace.file!.path, /^events_buy\/data\/dt=/);
  });

  it('names a file appended twice and a file whose rows a snapshot dropped; a file no snapshot references (a killed writer) is no rows; trace says where', async () => {
    // In place, after the clean check: Iceberg metadata names absolute paths, so a copied lake is not a lake.
    const damaged = run;
    const { storage, table } = await buyTable(damaged);
    const live = (await table.liveDataFiles()).sort((a, b) => a.path.localeCompare(b.path));
    assert.ok(live.length >= 3, `${live.length} buy files`);
    const [doubled, dropped, landed] = [live[0]!, live[1]!, live[2]!];
    const lostEvent = await firstEventId(damaged, dropped.path);
    const landedEvent = await firstEventId(damaged, landed.path);

    const copy = await copyUnderNewName(storage, doubled, 'd0b1ed00');
    await table.append([{ ...doubled, path: copy }]);
    await table.replace([dropped.path], []);
    const orphan = await copyUnderNewName(storage, landed, '0f0f0f0f');

    const { status, report } = verify(damaged, ['--against', 'run-and-replay.json']);
    assert.equal(status, 3);
    const duplicates = findingsOf(report, 'duplicate');
    assert.deepEqual(
      duplicates.map((f) => f.where.split(' and ').sort()),
      [[copy, doubled.path].sort()],
    );
    assert.match(duplicates[0]!.what, new RegExp(`^${doubled.recordCount} events held more than once`));
    const [, partition, first, last] = /events\+(\d+)\+(\d+)\+(\d+)\./.exec(dropped.path)!;
    assert.deepEqual(
      findingsOf(report, 'missing').map((f) => f.where),
      [`events_buy partition ${partition} offsets ${first}-${last}`],
    );
    assert.ok(
      report.findings.every((f) => f.kind !== 'row-count' && !f.where.includes(orphan)),
      JSON.stringify(report.findings),
    );
    const unreferenced = findingsOf(report, 'note').filter((f) => f.where === 'events_buy/data');
    assert.equal(unreferenced.length, 1, JSON.stringify(report.findings));
    assert.match(unreferenced[0]!.what, /^1 data file no snapshot references/);

    const lost = trace(damaged, lostEvent);
    assert.deepEqual([lost.status, lost.trace.stage], [3, 'lost']);
    const found = trace(damaged, landedEvent);
    assert.deepEqual([found.trace.stage, found.trace.file], ['lake', { path: landed.path, row: 0 }]);
    await storage.close();
  });

  it('a commit across two tables cut short: its records are missing when nothing will finish it, a note while an intent waits', async () => {
    const { storage, table } = await buyTable(run, 'events_dead_letter');
    // As if the buy writer's last commit with a dead letter had reached events_buy only.
    await table.append([], { positions: { 'buy+0': 0 } });
    const cut = verify(run, ['--against', 'run-and-replay.json']);
    const lagging = findingsOf(cut.report, 'missing').filter((f) => f.where.startsWith('events_dead_letter/buy'));
    assert.equal(lagging.length, 1, JSON.stringify(cut.report.findings));
    assert.match(lagging[0]!.what, /^1 event committed in no file: events_dead_letter records .* up to 0 only/);

    const intent = `_iceberg_wal/buy+0+${randomUUID()}.json`;
    await storage.create(intent, Buffer.from('{}'));
    const waiting = verify(run, ['--against', 'run-and-replay.json']);
    assert.deepEqual(
      findingsOf(waiting.report, 'stale-intent').map((f) => f.where),
      [intent],
    );
    assert.ok(
      findingsOf(waiting.report, 'note').some((f) => f.where === lagging[0]!.where && f.what.includes(intent)),
      JSON.stringify(waiting.report.findings),
    );
    assert.equal(findingsOf(waiting.report, 'missing').filter((f) => f.where === lagging[0]!.where).length, 0);
    await storage.close();
  });
});
