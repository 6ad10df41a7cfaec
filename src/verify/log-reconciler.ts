import { ReplayIndex } from '../deadletters/replay-index.js';
import { eventTypes } from '../events/event-schemas.js';
import { tableForEventType } from '../events/tables.js';
import type { LogRecord } from '../eventlog/event-log.js';
import { datePartition, deadLetterDir } from '../lake/lake-paths.js';
import { tableSpecOf } from '../lake/owners.js';
import { routeRecord, type Routed } from '../lake/route-record.js';
import { EventIdPositions } from './event-id-positions.js';
import { FindingGroups, plural } from './finding-groups.js';
import type { LakePositionIndex } from './lake-position-index.js';
import type { CommittedPositions, LakeFile, TableLag } from './committed-lake.js';
import { inWindow, type TimeWindow } from './time-window.js';
import type { Finding, TypeTally } from './verify-report.js';

interface Gap {
  dir: string;
  partition: number;
  first: number;
  last: number;
  count: number;
  example: string;
}

const EVENT_ID = /"event_id":"([^"\\]*)"/;
const EVENT_TYPE = /"event_type":"([^"\\]*)"/;
const EVENT_TS = /"event_ts":(\d+)[,}]/;

/**
 * The envelope fields verify tallies by, read from the raw JSON text: parsing each record again
 * (routeRecord already does, to validate it) cost a third of verify's time.
 */
const fieldsOf = (value: string) => ({
  eventId: EVENT_ID.exec(value)?.[1],
  eventType: EVENT_TYPE.exec(value)?.[1] ?? (value.trimStart().startsWith('{') ? '(no event_type)' : '(not JSON)'),
  eventTs: Number(EVENT_TS.exec(value)?.[1] ?? NaN),
});

const DAY_MS = 86_400_000;

/** Offsets are below 2^40 and partitions below 2^12: one number holds a position. */
const encode = (partition: number, offset: number) => partition * 2 ** 40 + offset;
const decode = (position: number) => `${Math.floor(position / 2 ** 40)}:${position % 2 ** 40}`;

const describe: Record<string, (count: number) => string> = {
  duplicate: (n) => `${plural(n, 'event')} held more than once`,
  misplaced: (n) => `${plural(n, 'row')} whose log record routes elsewhere`,
  'dead-letter': (n) => `${plural(n, 'record')} refused by the writer`,
  replayed: (n) => `${plural(n, 'record')} refused by the writer, then replayed through a fix`,
};

/**
 * Compares each log record with the lake rows at its position: a record below its writer's
 * committed position must be in exactly one file, of its table (or its writer's dead letters) and
 * date; one beyond is pending. Tallies per event type within the window.
 */
export class LogReconciler {
  readonly tallies = new Map<string, TypeTally>(eventTypes.map((t) => [t, emptyTally(t)]));
  private readonly groups = new FindingGroups();
  private readonly ids = new EventIdPositions();
  private readonly openGaps = new Map<string, Gap>();
  private readonly gaps: Gap[] = [];
  private readonly firstOffsets = new Map<number, number>();
  private readonly lagging = new Map<string, TableLag>();

  constructor(
    private readonly index: LakePositionIndex,
    private readonly files: LakeFile[],
    private readonly positions: CommittedPositions,
    private readonly window: TimeWindow,
    /** Dead letters replayed (`gamepipe deadletters replay`): accounted for, and their replays looked for in the log. */
    private readonly replays = new ReplayIndex(),
  ) {}

  add(record: LogRecord): void {
    const { partition: p, offset: o } = record;
    if (!this.firstOffsets.has(p)) this.firstOffsets.set(p, o);
    const { eventId: id, eventType: type, eventTs } = fieldsOf(record.value);
    if (id !== undefined) this.replays.saw(id);
    if (!inWindow(Number.isNaN(eventTs) ? record.timestamp : eventTs, this.window)) return;
    const label = `${id === undefined ? 'the record' : `event_id ${id}`} at ${p}:${o}`;
    const tally = this.tallies.get(type) ?? this.tallies.set(type, emptyTally(type)).get(type)!;
    tally.log++;
    if (id !== undefined) {
      const seen = this.ids.add(id, encode(p, o));
      if (seen !== undefined && !this.replays.isReplay(decode(seen), id))
        this.groups.add('duplicate', 'the event log', `event_id ${id} appended at ${decode(seen)} and ${p}:${o}`);
    }
    const count = this.index.count(p, o);
    const routed = this.routeOf(record, type, eventTs, count);
    if (routed.kind === 'skip') {
      for (const file of this.index.files(p, o))
        this.groups.add('misplaced', this.files[file]!.path, `${label}, a ${type} event, which no table holds`);
      return;
    }
    const dead = routed.kind === 'dead';
    const dir = dead ? deadLetterDir(routed.owner) : tableSpecOf(routed.owner)!.table;
    if (o >= this.positions.inTable(routed.owner, dir, p)) {
      tally.pending++;
      if (o < (this.positions.owners.get(routed.owner)?.get(p) ?? 0)) this.lag(dir, routed.owner, p, o);
      return;
    }
    tally.committed++;
    tally.lake += count;
    if (dead) tally.deadLetters++;
    if (count === 0) return this.noteMissing(`${routed.owner}|${p}`, dir, p, o, label);
    this.closeGap(`${routed.owner}|${p}`);
    const holders = this.index.files(p, o).map((i) => this.files[i]!);
    if (count > 1) this.groups.add('duplicate', holders.map((f) => f.path).join(' and '), label);
    const dt = this.dateDir(routed.kind === 'row' ? routed.eventTs : record.timestamp);
    for (const file of holders)
      if (file.dir !== dir || file.dt !== dt)
        this.groups.add('misplaced', file.path, `${label} belongs in ${dir}/${dt}`);
    const replay = dead ? this.replays.replayOf(`${p}:${o}`) : undefined;
    if (replay) this.groups.add('replayed', holders[0]!.path, `${label}, replayed (ledger ${replay.ledger})`);
    else if (dead) this.groups.add('dead-letter', holders[0]!.path, `${label}: ${routed.reason}`);
  }

  /**
   * Where the record belongs. One that a table file holds, of a type with a table, was routed by
   * the writer already: its owner follows from its type, which spares parsing and validating it
   * again (half of verify's time); any other is routed as the writer routes it.
   */
  private routeOf(record: LogRecord, type: string, eventTs: number, count: number): Routed {
    const owner = tableForEventType(type)?.name;
    const holder = count > 0 ? this.files[this.index.files(record.partition, record.offset)[0]!] : undefined;
    if (owner && holder && !holder.dead && !Number.isNaN(eventTs))
      return { kind: 'row', owner, eventType: type, eventTs };
    return routeRecord(record);
  }

  /** The findings, once every record has been added. */
  findings(): Finding[] {
    for (const key of [...this.openGaps.keys()]) this.closeGap(key);
    const notes: Finding[] = [];
    for (const [partition, first] of this.firstOffsets) {
      const below = this.index.rowsBelow(partition, first);
      if (below > 0)
        notes.push({
          kind: 'note',
          where: `log partition ${partition}`,
          what: `the log keeps offsets from ${first} on (older ones expired): ${plural(below, 'lake row')} below it checked by file names only`,
        });
    }
    const lostReplays: Finding[] = this.replays.unseen(this.firstOffsets).map(({ ledger, missing }) => ({
      kind: 'missing',
      where: `_replays/${ledger.id}.json`,
      what: `${plural(missing.length, 'replayed dead letter')} not in the log, e.g. ${missing[0]}${ledger.state === 'pending' ? ': the replay stopped half-way; gamepipe deadletters replay finishes it' : ''}`,
    }));
    return [...this.gaps.map((g) => this.gapFinding(g)), ...this.groups.findings(describe), ...lostReplays, ...notes];
  }

  /**
   * Records pending in their table but below their owner's position in another (Iceberg: a commit
   * across tables cut short), per table, owner and log partition; what they mean is the lake's to say.
   */
  lags(): TableLag[] {
    return [...this.lagging.values()];
  }

  private lag(dir: string, owner: string, partition: number, offset: number): void {
    const key = `${dir}|${owner}|${partition}`;
    const lag = this.lagging.get(key);
    if (!lag) this.lagging.set(key, { dir, owner, partition, first: offset, last: offset, count: 1 });
    else [lag.last, lag.count] = [offset, lag.count + 1];
  }

  private readonly dateDirs = new Map<number, string>();

  /** `dt=…` of a time, one Date per day rather than per record. */
  private dateDir(ms: number): string {
    const day = Math.floor(ms / DAY_MS);
    return this.dateDirs.get(day) ?? this.dateDirs.set(day, datePartition(ms)).get(day)!;
  }

  private noteMissing(key: string, dir: string, partition: number, offset: number, example: string): void {
    const gap = this.openGaps.get(key);
    if (gap && gap.dir === dir) {
      gap.last = offset;
      gap.count++;
      return;
    }
    this.closeGap(key);
    this.openGaps.set(key, { dir, partition, first: offset, last: offset, count: 1, example });
  }

  private closeGap(key: string): void {
    const gap = this.openGaps.get(key);
    if (!gap) return;
    this.gaps.push(gap);
    this.openGaps.delete(key);
  }

  private gapFinding(gap: Gap): Finding {
    const same = this.files.filter((f) => f.dir === gap.dir && f.partition === gap.partition);
    const before = same.filter((f) => f.lastOffset < gap.first).sort((a, b) => b.lastOffset - a.lastOffset)[0];
    const after = same.filter((f) => f.firstOffset > gap.last).sort((a, b) => a.firstOffset - b.firstOffset)[0];
    const around = [before && `after ${before.path}`, after && `before ${after.path}`].filter(Boolean).join(', ');
    return {
      kind: 'missing',
      where: `${gap.dir} partition ${gap.partition} offsets ${gap.first}-${gap.last}`,
      what: `${plural(gap.count, 'committed event')} in no file, e.g. ${gap.example}${around ? ` (${around})` : ''}`,
    };
  }
}

function emptyTally(eventType: string): TypeTally {
  return { eventType, accepted: null, log: 0, committed: 0, lake: 0, pending: 0, deadLetters: 0 };
}
