import { createHash } from 'node:crypto';
import type { AppendRecord, EventLog, EventLogReader, Positions } from '../eventlog/event-log.js';
import { validateEvent } from '../events/validate-event.js';
import { tableForEventType } from '../events/tables.js';
import { OwnerLeases } from '../lake/commit/owner-lease.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { queryAll, type QueryEngine } from '../sql/query-engine.js';
import { sqlString } from '../util/duckdb-sql.js';
import { type DeadLetter, type DeadLetterFilter, deadLetterId, readDeadLetters } from './dead-letter-rows.js';
import type { EventFix } from './event-fix.js';
import {
  markLedgerDone,
  newLedgerId,
  type ReplayItem,
  type ReplayLedger,
  readLedgers,
  writePendingLedger,
} from './replay-ledger.js';

/** What a replay needs: the lake (ledgers, lease), an engine over its tables, and the log both ways. */
export interface ReplayDeps {
  storage: LakeStorage;
  engine: QueryEngine;
  topic: string;
  openLog(): Promise<EventLog>;
  openReader(): Promise<EventLogReader>;
}

export interface ReplayRequest {
  filter: DeadLetterFilter;
  fix: EventFix;
  /** The fix as the user gave it, kept in the ledger. */
  fixText: string;
  dryRun: boolean;
}

/** A dead letter the fix did not make valid, or one already dealt with. */
export interface Skipped {
  deadLetter: string;
  why: string;
}

export interface ReplayOutcome {
  /** Dead letters appended to the log by this run (none on a dry run: those it would append). */
  replayed: ReplayItem[];
  /** Selected but left: already replayed, still invalid, or already in the lake under their event id. */
  skipped: Skipped[];
  /** Earlier replays stopped before they were marked done, finished now: ledger id and records appended. */
  finished: { ledger: string; appended: number }[];
  ledger: string | null;
}

const LEASE = 'deadletter-replay';
const REDACTED = '[redacted]';

/**
 * An event id for a dead letter that had none: the same for the same dead letter every time, so
 * that finding it in the log tells whether its replay was appended. UUID-shaped (version 8).
 */
export function replayEventId(topic: string, deadLetter: string): string {
  const h = createHash('sha256').update(`gamepipe dead letter ${topic} ${deadLetter}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The record to append for a dead letter after the fix, or why it still cannot be. */
function repaired(topic: string, d: DeadLetter, fix: EventFix): ReplayItem | Skipped {
  const id = deadLetterId(d);
  let parsed: unknown;
  try {
    parsed = JSON.parse(d.raw);
  } catch {
    return { deadLetter: id, why: 'not JSON (or cut at 16 KiB when it was kept): nothing to replay' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { deadLetter: id, why: 'not a JSON object' };
  const event = fix(parsed as Record<string, unknown>);
  const redacted = Object.keys(event).find((k) => event[k] === REDACTED);
  if (redacted !== undefined)
    return {
      deadLetter: id,
      why: `${redacted} was redacted when it was kept: give it with --set or drop it with --unset`,
    };
  if (event.event_id === undefined) event.event_id = replayEventId(topic, id);
  const validation = validateEvent(event);
  if (!validation.ok) return { deadLetter: id, why: `still invalid: ${validation.reason}` };
  const key = typeof event.username === 'string' ? event.username : null;
  return { deadLetter: id, writer: d.writer, eventId: String(event.event_id), key, value: JSON.stringify(event) };
}

const isItem = (x: ReplayItem | Skipped): x is ReplayItem => 'eventId' in x;

/** Of these items, the event ids some table already holds (a client's retry that got through, an earlier replay). */
async function idsInLake(engine: QueryEngine, items: readonly ReplayItem[]): Promise<Set<string>> {
  const found = new Set<string>();
  const byTable = new Map<string, string[]>();
  for (const item of items) {
    const table = tableForEventType(String((JSON.parse(item.value) as { event_type: string }).event_type))?.table;
    if (table) byTable.set(table, [...(byTable.get(table) ?? []), item.eventId]);
  }
  for (const [table, ids] of byTable) {
    for (let i = 0; i < ids.length; i += 500) {
      const list = ids
        .slice(i, i + 500)
        .map(sqlString)
        .join(', ');
      const { rows } = await queryAll(engine, `select distinct event_id from ${table} where event_id in (${list})`);
      for (const [id] of rows) found.add(String(id));
    }
  }
  return found;
}

/** The event ids of records appended to the log after `from` (up to its end now). */
async function idsInLogAfter(openReader: () => Promise<EventLogReader>, from: Positions): Promise<Set<string>> {
  const reader = await openReader();
  try {
    const end = await reader.endOffsets();
    await reader.seek(from);
    const found = new Set<string>();
    const remaining = new Map([...end].filter(([p, o]) => o > (from.get(p) ?? 0)));
    while (remaining.size > 0) {
      const records = await reader.poll(10_000, 1000);
      if (records.length === 0) break;
      for (const r of records) {
        const id = /"event_id":"([^"\\]{1,100})"/.exec(r.value)?.[1];
        if (id) found.add(id);
        if (r.offset + 1 >= (remaining.get(r.partition) ?? 0)) remaining.delete(r.partition);
      }
    }
    return found;
  } finally {
    await reader.close();
  }
}

const positionsOf = (record: Record<string, number>): Positions =>
  new Map(Object.entries(record).map(([p, o]) => [Number(p), o]));

/** Appends what a stopped replay had not appended yet, and marks it done. */
async function finishPending(deps: ReplayDeps, ledger: ReplayLedger, log: () => Promise<EventLog>): Promise<number> {
  const inLog = await idsInLogAfter(deps.openReader, positionsOf(ledger.logEndBefore));
  const missing = ledger.items.filter((i) => !inLog.has(i.eventId));
  if (missing.length > 0) await (await log()).append(missing.map(({ key, value }) => ({ key, value })));
  await markLedgerDone(deps.storage, ledger);
  return missing.length;
}

/**
 * Replays the selected dead letters through `fix` into the event log, from where the stream
 * writers land them in their tables like any event. Exactly once, across runs and crashes: one
 * replay at a time (a lease in the lake); a dead letter named in any ledger is never appended
 * again; a ledger is written before its records are appended and marked done after, and a replay
 * stopped in between is finished by the next one from the log itself (see ReplayLedger). An event
 * whose id a table already holds is not appended.
 */
export async function replayDeadLetters(deps: ReplayDeps, request: ReplayRequest): Promise<ReplayOutcome> {
  const lease = await OwnerLeases.acquire(deps.storage, [LEASE], 'gamepipe deadletters replay');
  let log: EventLog | undefined;
  const openLog = async () => {
    log ??= await deps.openLog();
    return log;
  };
  try {
    const outcome: ReplayOutcome = { replayed: [], skipped: [], finished: [], ledger: null };
    const ledgers = await readLedgers(deps.storage);
    if (!request.dryRun) {
      for (const ledger of ledgers.filter((l) => l.state === 'pending'))
        outcome.finished.push({ ledger: ledger.id, appended: await finishPending(deps, ledger, openLog) });
    }
    const earlier = new Map(ledgers.flatMap((l) => l.items.map((i) => [i.deadLetter, l.id] as const)));
    const candidates: ReplayItem[] = [];
    for (const d of await readDeadLetters(deps.engine, request.filter)) {
      const id = deadLetterId(d);
      const replayedBy = earlier.get(id);
      if (replayedBy) outcome.skipped.push({ deadLetter: id, why: `already replayed (ledger ${replayedBy})` });
      else {
        const item = repaired(deps.topic, d, request.fix);
        if (isItem(item)) candidates.push(item);
        else outcome.skipped.push(item);
      }
    }
    const inLake = await idsInLake(deps.engine, candidates);
    // An event id once only: a record refused twice, or replayed already from another dead letter
    // (whose replay the writers may not have landed yet), is not appended again.
    const taken = new Map(ledgers.flatMap((l) => l.items.map((i) => [i.eventId, i.deadLetter] as const)));
    for (const item of candidates) {
      const other = taken.get(item.eventId);
      if (inLake.has(item.eventId))
        outcome.skipped.push({ deadLetter: item.deadLetter, why: `event ${item.eventId} is in the lake already` });
      else if (other !== undefined)
        outcome.skipped.push({ deadLetter: item.deadLetter, why: `event ${item.eventId} is replayed from ${other}` });
      else {
        taken.set(item.eventId, item.deadLetter);
        outcome.replayed.push(item);
      }
    }
    if (request.dryRun || outcome.replayed.length === 0) return outcome;

    const reader = await deps.openReader();
    const end = await reader.endOffsets().finally(() => reader.close());
    const ledger: ReplayLedger = {
      id: newLedgerId(),
      createdAt: new Date().toISOString(),
      state: 'pending',
      topic: deps.topic,
      logEndBefore: Object.fromEntries([...end].map(([p, o]) => [String(p), o])),
      fix: request.fixText,
      items: outcome.replayed,
    };
    await writePendingLedger(deps.storage, ledger);
    await lease.verify();
    const records: AppendRecord[] = outcome.replayed.map(({ key, value }) => ({ key, value }));
    await (await openLog()).append(records);
    await markLedgerDone(deps.storage, ledger);
    outcome.ledger = ledger.id;
    return outcome;
  } finally {
    await log?.close();
    await lease.release();
  }
}
