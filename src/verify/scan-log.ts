import { GamepipeError } from '../errors.js';
import type { EventLogReader, LogRecord, Positions } from '../eventlog/event-log.js';

const BATCH = 20_000;
const POLL_WAIT_MS = 500;
const GIVE_UP_AFTER_MS = 30_000;

/**
 * Every record of the log from the earliest retained one up to `end` (the end offsets taken when
 * verify began), in batches; records appended since are left out.
 */
export async function* scanLog(reader: EventLogReader, end: Positions): AsyncGenerator<LogRecord[]> {
  await reader.seek(new Map());
  const consumed = new Map<number, number>();
  const done = () => [...end].every(([p, o]) => o === 0 || (consumed.get(p) ?? 0) >= o);
  let lastProgress = Date.now();
  while (!done()) {
    const records = await reader.poll(BATCH, POLL_WAIT_MS);
    const wanted = records.filter((r) => r.offset < (end.get(r.partition) ?? 0));
    for (const r of records) consumed.set(r.partition, Math.max(consumed.get(r.partition) ?? 0, r.offset + 1));
    if (records.length > 0) lastProgress = Date.now();
    else if (Date.now() - lastProgress > GIVE_UP_AFTER_MS) {
      throw new GamepipeError(
        'LOG_UNAVAILABLE',
        `the event log stopped answering before its end (read up to ${[...consumed].map(([p, o]) => `${p}:${o}`).join(',') || 'nothing'})`,
      );
    }
    if (wanted.length > 0) yield wanted;
  }
}
