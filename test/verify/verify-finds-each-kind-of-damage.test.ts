import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { parseDataFileName } from '../../src/lake/lake-paths.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleEvent } from '../helpers/events.js';
import { copyOf, findingsOf, landedRun, localLake, verify, type LandedRun } from './landed-run.js';

/** The buy table's files (lake paths) in offset order. */
function buyFiles(run: LandedRun): { path: string; partition: number; firstOffset: number; lastOffset: number }[] {
  const lake = localLake(run);
  return readdirSync(join(lake, 'events_buy'))
    .filter((d) => d.startsWith('dt='))
    .flatMap((dt) =>
      readdirSync(join(lake, 'events_buy', dt)).flatMap((name) => {
        const parsed = parseDataFileName(name);
        return parsed ? [{ path: `events_buy/${dt}/${name}`, ...parsed }] : [];
      }),
    )
    .sort((a, b) => a.firstOffset - b.firstOffset);
}

// Landed once for the whole file (a temporary directory made inside a hook would be removed at its end).
const run = await landedRun();
assert.ok(buyFiles(run).length >= 3, `small batches give several buy files: ${buyFiles(run).length}`);

describe('gamepipe verify on a local lake', () => {
  it('a clean lake verifies clean, and its counts equal the load run exactly', () => {
    const { status, report } = verify(run);
    assert.equal(status, 0, JSON.stringify(report.findings));
    assert.equal(report.clean, true);
    const accepted = run.summary.accepted.events;
    assert.ok(Object.keys(accepted).length >= 4, JSON.stringify(accepted));
    for (const [type, count] of Object.entries(accepted)) {
      const tally = report.tallies.find((t) => t.eventType === type)!;
      assert.equal(tally.accepted, count, type);
      assert.equal(tally.log, count, type);
      assert.equal(tally.pending, 0, type);
      assert.equal(tally.lake, type === 'default' ? 0 : count, type);
    }
    assert.ok(report.files >= 3);
    const text = gamepipe(['verify', '--against', 'run.json'], { cwd: run.cwd });
    assert.equal(text.status, 0);
    assert.match(text.stdout, /\bbuy_item\s+\|\s+\d+\s+\|/);
    assert.match(text.stdout, /^clean: \d+ files checked/m);
  });

  it('a file copied under another offset range: the duplicated events and the misnamed file are named', () => {
    const damaged = copyOf(run);
    const original = buyFiles(damaged)[1]!;
    const copy = original.path.replace(
      /events\+\d+\+\d+\+\d+\.parquet$/,
      `events+0+${original.lastOffset + 5000}+${original.lastOffset + 6000}.parquet`,
    );
    copyFileSync(join(localLake(damaged), original.path), join(localLake(damaged), copy));
    const { status, report } = verify(damaged);
    assert.equal(status, 3);
    const duplicates = findingsOf(report, 'duplicate');
    assert.equal(duplicates.length, 1, JSON.stringify(report.findings));
    assert.equal(duplicates[0]!.where, `${original.path} and ${copy}`);
    assert.match(duplicates[0]!.what, /^\d+ events held more than once, e\.g\. event_id [0-9a-f-]{36} at 0:\d+/);
    assert.deepEqual(
      findingsOf(report, 'row-count').map((f) => f.where),
      [copy],
    );
    const buy = report.tallies.find((t) => t.eventType === 'buy_item')!;
    assert.ok(buy.lake > buy.committed, `${buy.lake} rows for ${buy.committed} events`);
  });

  it('a file copied into another table: its rows are named as misplaced, and as duplicates', () => {
    const damaged = copyOf(run);
    const original = buyFiles(damaged)[0]!;
    const copy = original.path.replace(/^events_buy\//, 'events_guild/');
    mkdirSync(join(localLake(damaged), copy, '..'), { recursive: true });
    copyFileSync(join(localLake(damaged), original.path), join(localLake(damaged), copy));
    const { status, report } = verify(damaged);
    assert.equal(status, 3);
    assert.deepEqual(
      findingsOf(report, 'misplaced').map((f) => f.where),
      [copy],
    );
    assert.match(findingsOf(report, 'misplaced')[0]!.what, /belongs in events_buy\/dt=/);
    assert.deepEqual(
      findingsOf(report, 'duplicate').map((f) => f.where),
      [`${original.path} and ${copy}`],
    );
  });

  it('a deleted file is a gap, named by its offsets and the files around it', () => {
    const damaged = copyOf(run);
    const [before, deleted, after] = buyFiles(damaged);
    unlinkSync(join(localLake(damaged), deleted!.path));
    const { status, report } = verify(damaged);
    assert.equal(status, 3);
    const missing = findingsOf(report, 'missing');
    assert.equal(missing.length, 1, JSON.stringify(report.findings));
    assert.equal(missing[0]!.where, `events_buy partition 0 offsets ${deleted!.firstOffset}-${deleted!.lastOffset}`);
    assert.match(
      missing[0]!.what,
      new RegExp(
        `in no file, e\\.g\\. event_id [0-9a-f-]{36} at 0:${deleted!.firstOffset} \\(after ${before!.path.replaceAll('+', '\\+')}, before ${after!.path.replaceAll('+', '\\+')}\\)`,
      ),
    );
    const buy = report.tallies.find((t) => t.eventType === 'buy_item')!;
    assert.ok(buy.lake < buy.committed);
  });

  it('a truncated Parquet file is named as unreadable, and its events as missing', () => {
    const damaged = copyOf(run);
    const file = buyFiles(damaged)[1]!;
    const path = join(localLake(damaged), file.path);
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const { status, report } = verify(damaged);
    assert.equal(status, 3);
    const unreadable = findingsOf(report, 'row-count');
    assert.equal(unreadable.length, 1, JSON.stringify(report.findings));
    assert.equal(unreadable[0]!.where, file.path);
    assert.match(unreadable[0]!.what, /not a readable Parquet file/);
    assert.deepEqual(
      findingsOf(report, 'missing').map((f) => f.where),
      [`events_buy partition 0 offsets ${file.firstOffset}-${file.lastOffset}`],
    );
  });

  it('a stale intent under _wal/ and an orphan file under _tmp/ are named, with the writer that left them', () => {
    const damaged = copyOf(run);
    const lake = localLake(damaged);
    mkdirSync(join(lake, '_wal'), { recursive: true });
    mkdirSync(join(lake, '_tmp'), { recursive: true });
    writeFileSync(join(lake, '_wal', 'buy+0.json'), JSON.stringify({ partition: 0, moves: [], positions: {} }));
    const staged = `all+0-${randomUUID()}.parquet`;
    copyFileSync(join(lake, buyFiles(damaged)[0]!.path), join(lake, '_tmp', staged));
    const { status, report } = verify(damaged);
    assert.equal(status, 3);
    assert.deepEqual(
      findingsOf(report, 'stale-intent').map((f) => f.where),
      ['_wal/buy+0.json'],
    );
    assert.match(findingsOf(report, 'stale-intent')[0]!.what, /gamepipe stream buy/);
    assert.deepEqual(
      findingsOf(report, 'orphan-temp').map((f) => f.where),
      [`_tmp/${staged}`],
    );
    assert.match(findingsOf(report, 'orphan-temp')[0]!.what, /by the all writer, which is not running/);
  });

  it('while a writer holds its leases, what it staged after its last commit is in flight, what it staged before is an orphan', () => {
    const damaged = copyOf(run);
    const lake = localLake(damaged);
    mkdirSync(join(lake, '_locks'), { recursive: true });
    mkdirSync(join(lake, '_tmp'), { recursive: true });
    for (const owner of ['buy', 'guild', 'user', 'unrouted']) {
      writeFileSync(
        join(lake, '_locks', `${owner}+0.lock`),
        JSON.stringify({ host: hostname(), pid: process.pid, token: randomUUID(), what: 'a stream writer for all' }),
      );
    }
    const lastCommit = statSync(join(lake, '_positions', 'buy+0.json')).mtime;
    const inFlight = `all+0-${randomUUID()}.parquet`;
    writeFileSync(join(lake, '_tmp', inFlight), 'being written');
    assert.equal(
      verify(damaged).status,
      0,
      'a staged file newer than the last commit of a live writer is no discrepancy',
    );
    const leftOver = `all+0-${randomUUID()}.parquet`;
    writeFileSync(join(lake, '_tmp', leftOver), 'left behind');
    utimesSync(
      join(lake, '_tmp', leftOver),
      new Date(lastCommit.getTime() - 60_000),
      new Date(lastCommit.getTime() - 60_000),
    );
    const { status, report } = verify(damaged);
    assert.equal(status, 3);
    assert.deepEqual(
      findingsOf(report, 'orphan-temp').map((f) => f.where),
      [`_tmp/${leftOver}`],
    );
    assert.ok(report.findings.some((f) => f.kind === 'note' && f.where === `_tmp/${inFlight}`));
  });

  it("a lost position file: the writer's position comes from the file names, so a gap is still found", () => {
    const damaged = copyOf(run);
    unlinkSync(join(localLake(damaged), '_positions', 'buy+0.json'));
    const deleted = buyFiles(damaged)[1]!;
    unlinkSync(join(localLake(damaged), deleted.path));
    const { status, report } = verify(damaged);
    assert.equal(status, 3);
    assert.deepEqual(
      findingsOf(report, 'missing').map((f) => f.where),
      [`events_buy partition 0 offsets ${deleted.firstOffset}-${deleted.lastOffset}`],
    );
    assert.ok(report.findings.some((f) => f.kind === 'note' && f.where === '_positions/buy+*.json'));
  });

  it('a table missing from the catalog is named, with the command that declares it', () => {
    const damaged = copyOf(run);
    const catalog = join(localLake(damaged), '_catalog.json');
    const declared = JSON.parse(readFileSync(catalog, 'utf8')) as string[];
    writeFileSync(catalog, JSON.stringify(declared.filter((t) => t !== 'events_guild')));
    const { status, report } = verify(damaged);
    assert.equal(status, 3);
    const catalogFindings = findingsOf(report, 'catalog');
    assert.equal(catalogFindings.length, 1, JSON.stringify(report.findings));
    assert.equal(catalogFindings[0]!.where, '_catalog.json');
    assert.match(
      catalogFindings[0]!.what,
      /does not declare events_guild, whose \d+ files? queries do not see \(gamepipe tables create all\)/,
    );
  });

  it('counts that disagree with the load run are named per event type', () => {
    const damaged = copyOf(run);
    const summary = {
      ...damaged.summary,
      accepted: {
        ...damaged.summary.accepted,
        events: { ...damaged.summary.accepted.events, buy_item: damaged.summary.accepted.events.buy_item! + 2 },
      },
    };
    writeFileSync(join(damaged.cwd, 'run.json'), JSON.stringify(summary));
    const { status, report } = verify(damaged);
    assert.equal(status, 3);
    assert.deepEqual(
      findingsOf(report, 'accepted').map((f) => f.where),
      ['buy_item events'],
    );
    assert.match(findingsOf(report, 'accepted')[0]!.what, /2 accepted events not in the log/);
  });

  it('an event_id appended twice is named with both log positions, a malformed one too, the same id in upper case is not', async () => {
    const damaged = copyOf(run);
    const event = sampleEvent(0);
    const id = event.event_id as string;
    const log = await EmbeddedEventLog.open({ dataDir: join(damaged.cwd, '.gamepipe'), topic: 'events' });
    const end = log.endOffset;
    await log.append(
      [
        event,
        { ...event, event_id: id.toUpperCase() },
        event,
        { ...event, event_id: 'not-a-uuid' },
        { ...event, event_id: 'not-a-uuid' },
      ].map((e) => ({ key: 'user0', value: JSON.stringify(e) })),
    );
    await log.close();
    const { status, report } = verify(damaged, []);
    assert.equal(status, 3);
    const duplicates = findingsOf(report, 'duplicate');
    assert.deepEqual(
      duplicates.map((f) => f.where),
      ['the event log'],
      JSON.stringify(report.findings),
    );
    const [, first, second] =
      new RegExp(`^2 events held more than once, e\\.g\\. event_id ${id} appended at 0:(\\d+) and 0:(\\d+)$`).exec(
        duplicates[0]!.what,
      ) ?? [];
    assert.deepEqual([Number(first), Number(second)], [end, end + 2], duplicates[0]!.what);
  });

  it('the log may hold more than the run counted only by the requests that got no answer', () => {
    const damaged = copyOf(run);
    const withAnswersLost = (lost: number) => {
      const events = { ...damaged.summary.accepted.events, buy_item: damaged.summary.accepted.events.buy_item! - 2 };
      writeFileSync(
        join(damaged.cwd, 'run.json'),
        JSON.stringify({
          ...damaged.summary,
          unanswered: lost,
          errors: 0,
          accepted: { ...damaged.summary.accepted, events },
        }),
      );
      return verify(damaged);
    };
    const within = withAnswersLost(2);
    assert.equal(within.status, 0, JSON.stringify(within.report.findings));
    assert.ok(
      within.report.findings.some((f) => f.kind === 'note' && /2 events more than run\.json counted/.test(f.what)),
    );
    const beyond = withAnswersLost(1);
    assert.equal(beyond.status, 3);
    assert.deepEqual(
      findingsOf(beyond.report, 'accepted').map((f) => f.where),
      ['the event log'],
    );
  });

  it('a time window counts only the events accepted in it', () => {
    const all = verify(run).report.tallies.find((t) => t.eventType === 'buy_item')!;
    const future = verify(run, ['--since', '2h']).report;
    assert.ok(all.log > 0);
    assert.equal(
      future.tallies.find((t) => t.eventType === 'buy_item')!.log,
      all.log,
      'the run happened within the last two hours',
    );
    const before = verify(run, ['--until', '2020-01-01']);
    assert.equal(before.status, 0);
    assert.equal(
      before.report.tallies.reduce((n, t) => n + t.log, 0),
      0,
    );
  });

  it('bad options get one line and exit 2 (usage), and change nothing', () => {
    for (const args of [
      ['--since', 'yesterday'],
      ['--against', 'missing.json'],
      ['--since', '2026-11-29', '--until', '2026-11-28'],
    ]) {
      const result = gamepipe(['verify', ...args], { cwd: run.cwd });
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.equal(result.stdout, '');
    }
    assert.equal(verify(run).status, 0);
  });
});
