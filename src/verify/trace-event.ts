import type { Config } from '../config/config-fields.js';
import { createEventLogReader } from '../eventlog/create-event-log.js';
import type { EventLogReader, LogRecord } from '../eventlog/event-log.js';
import { datePartition, deadLetterDir } from '../lake/lake-paths.js';
import { tableSpecOf } from '../lake/owners.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { readCommittedLake, type DateFiles } from './committed-lake.js';
import { routeRecord } from '../lake/route-record.js';
import { ReplayIndex } from '../deadletters/replay-index.js';
import { readLedgers } from '../deadletters/replay-ledger.js';
import { routeOf, statusFromServerLog, uuidV7Time, type EventRequest } from './event-request.js';
import { readFileRows } from './lake-file-rows.js';
import { scanLog } from './scan-log.js';

/** Where an event's journey ended: in its table, or at the stage where it stopped. */
export type TraceStage = 'lake' | 'log-only' | 'pending' | 'dead-letter' | 'lost' | 'not-in-log';

export interface EventTrace {
  eventId: string;
  eventType: string | null;
  request: EventRequest;
  log: { partition: number; offset: number; appendedAt: string } | null;
  stage: TraceStage;
  /** The lake file and row (0-based) holding it, in its table or in the dead letters. */
  file: { path: string; row: number } | null;
  /** The writer's committed position in the event's log partition, when it has one. */
  writerPosition: number | null;
  /** Events between the writer's position and this one, while it is pending. */
  lag: number | null;
  /** One line saying where it is or why it stopped. */
  detail: string;
}

function eventIdOf(value: string): unknown {
  try {
    return (JSON.parse(value) as { event_id?: unknown }).event_id;
  } catch {
    return undefined;
  }
}

/**
 * The event's log record, if the log holds it (a scan up to the end, checked on the raw text before
 * parsing). A dead letter that was replayed is passed over for its replay, which is where the event went.
 */
async function findRecord(reader: EventLogReader, eventId: string, replays: ReplayIndex): Promise<LogRecord | null> {
  let refused: LogRecord | null = null;
  for await (const records of scanLog(reader, await reader.endOffsets())) {
    for (const record of records) {
      if (!record.value.includes(eventId) || eventIdOf(record.value) !== eventId) continue;
      if (refused === null && replays.isReplay(`${record.partition}:${record.offset}`, eventId)) refused = record;
      else return record;
    }
  }
  return refused;
}

async function replayIndex(config: Config): Promise<ReplayIndex> {
  const storage = await openLakeStorage(config);
  try {
    return new ReplayIndex(await readLedgers(storage));
  } finally {
    await storage.close();
  }
}

/** The row at this log position in the committed files of one table directory and date. */
async function findRow(
  storage: LakeStorage,
  date: DateFiles,
  record: LogRecord,
): Promise<{ path: string; row: number } | null> {
  const candidates = (await date.list()).filter(
    (f) =>
      f.unnamed ||
      (f.partition === record.partition && f.firstOffset <= record.offset && record.offset <= f.lastOffset),
  );
  for (const file of candidates) {
    const read = await readFileRows(storage, file.path);
    if (!('rows' in read)) continue;
    const row = read.rows.offsets.findIndex(
      (offset, i) => offset === record.offset && read.rows.partitions[i] === record.partition,
    );
    if (row >= 0) return { path: file.path, row };
  }
  return null;
}

/** Follows one event from its request to its log position and its lake file and row, or to where it stopped. */
export async function traceEvent(config: Config, eventId: string, serverLog?: string): Promise<EventTrace> {
  const replays = await replayIndex(config);
  const reader = await createEventLogReader(config, { group: `gamepipe-trace-${process.pid}` });
  const record = await findRecord(reader, eventId, replays).finally(() => reader.close());
  const status = serverLog ? await statusFromServerLog(serverLog, eventId) : null;
  const base = { eventId, file: null, writerPosition: null, lag: null };
  if (!record) {
    const request = { route: null, acceptedAt: new Date(uuidV7Time(eventId)).toISOString(), status };
    return {
      ...base,
      eventType: null,
      request,
      log: null,
      stage: 'not-in-log',
      detail: 'not in the event log: never appended (the request failed), or expired from the log',
    };
  }
  const event = JSON.parse(record.value) as Record<string, unknown>;
  const eventTs = typeof event.event_ts === 'number' ? event.event_ts : uuidV7Time(eventId);
  const trace = {
    ...base,
    eventType: typeof event.event_type === 'string' ? event.event_type : null,
    request: { route: routeOf(event), acceptedAt: new Date(eventTs).toISOString(), status },
    log: { partition: record.partition, offset: record.offset, appendedAt: new Date(record.timestamp).toISOString() },
  };
  const routed = routeRecord(record);
  if (routed.kind === 'skip')
    return {
      ...trace,
      stage: 'log-only',
      detail: `a ${trace.eventType} event: kept in the log only, no table holds it`,
    };
  const storage = await openLakeStorage(config);
  try {
    const dead = routed.kind === 'dead';
    const dir = dead ? deadLetterDir(routed.owner) : tableSpecOf(routed.owner)!.table;
    const lake = await readCommittedLake(config, storage);
    const position = lake.positions.inTable(routed.owner, dir, record.partition);
    if (record.offset >= position) {
      const lag = record.offset - position + 1;
      return {
        ...trace,
        stage: 'pending',
        writerPosition: position,
        lag,
        detail: `in the log, beyond the ${routed.owner} writer's committed position ${position}: ${lag} events to go`,
      };
    }
    const date = lake.date(dir, datePartition(dead ? record.timestamp : routed.eventTs));
    const file = await findRow(storage, date, record);
    const found = { ...trace, writerPosition: position, file };
    if (!file)
      return {
        ...found,
        stage: 'lost',
        detail: `committed by the ${routed.owner} writer (position ${position}) but in no file of ${date.where}: run gamepipe verify`,
      };
    if (dead)
      return { ...found, stage: 'dead-letter', detail: `refused by the ${routed.owner} writer: ${routed.reason}` };
    return {
      ...found,
      stage: 'lake',
      detail: `in ${tableSpecOf(routed.owner)!.table}, row ${file.row} of ${file.path}`,
    };
  } finally {
    await storage.close();
  }
}
