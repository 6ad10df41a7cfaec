import { deadLetterSpec } from '../events/tables.js';
import { queryAll, type QueryEngine } from '../sql/query-engine.js';
import { sqlString } from '../util/duckdb-sql.js';
import { isoFromSqlTimestamp } from '../sql/sql-timestamp.js';

/** One record a stream writer refused, as the dead-letter table keeps it. */
export interface DeadLetter {
  /** The writer (table owner) that refused it: `buy`, `guild`, `user`, or `unrouted`. */
  writer: string;
  partition: number;
  offset: number;
  /** When the event log accepted it (UTC, ISO 8601). */
  timestamp: string;
  reason: string;
  /** The record as read, secret-looking fields redacted. */
  raw: string;
}

/** Which dead letters: by writer, by a piece of the reason, or by their log positions. Every condition given must hold. */
export interface DeadLetterFilter {
  writer?: string;
  reason?: string;
  positions?: readonly { partition: number; offset: number }[];
}

/** A dead letter's name on the command line and in ledgers: `<log partition>:<offset>`, unique in a topic. */
export const deadLetterId = (d: Pick<DeadLetter, 'partition' | 'offset'>): string => `${d.partition}:${d.offset}`;

/** `2:1234` → its position; undefined when it is not one. */
export function parseDeadLetterId(text: string): { partition: number; offset: number } | undefined {
  const m = /^(\d{1,9}):(\d{1,15})$/.exec(text.trim());
  return m ? { partition: Number(m[1]), offset: Number(m[2]) } : undefined;
}

/** The filter as a SQL condition: quoted values and integers only, the same on DuckDB and Trino. */
function condition(filter: DeadLetterFilter): string {
  const terms = ['true'];
  if (filter.writer !== undefined) terms.push(`writer = ${sqlString(filter.writer)}`);
  if (filter.reason !== undefined) terms.push(`strpos(reason, ${sqlString(filter.reason)}) > 0`);
  if (filter.positions !== undefined) {
    const pairs = filter.positions.map(
      (p) => `(log_partition = ${Math.trunc(p.partition)} and log_offset = ${Math.trunc(p.offset)})`,
    );
    terms.push(pairs.length === 0 ? 'false' : `(${pairs.join(' or ')})`);
  }
  return terms.join(' and ');
}

/** The dead letters the filter selects, in log order. */
export async function readDeadLetters(engine: QueryEngine, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const { rows } = await queryAll(
    engine,
    `select writer, log_partition, log_offset, cast("timestamp" as varchar), reason, raw_event
     from ${deadLetterSpec.table} where ${condition(filter)} order by log_partition, log_offset`,
  );
  return rows.map((r) => ({
    writer: String(r[0]),
    partition: Number(r[1]),
    offset: Number(r[2]),
    timestamp: isoFromSqlTimestamp(r[3]),
    reason: String(r[4]),
    raw: String(r[5]),
  }));
}

/** Dead letters of one writer and reason: how many, and when the first and the last reached the log. */
export interface DeadLetterGroup {
  writer: string;
  reason: string;
  count: number;
  first: string;
  last: string;
}

/** The selected dead letters grouped by writer and reason, the largest group first. */
export async function groupDeadLetters(engine: QueryEngine, filter: DeadLetterFilter = {}): Promise<DeadLetterGroup[]> {
  const { rows } = await queryAll(
    engine,
    `select writer, reason, count(*), cast(min("timestamp") as varchar), cast(max("timestamp") as varchar)
     from ${deadLetterSpec.table} where ${condition(filter)} group by writer, reason order by 3 desc, 1, 2`,
  );
  return rows.map((r) => ({
    writer: String(r[0]),
    reason: String(r[1]),
    count: Number(r[2]),
    first: isoFromSqlTimestamp(r[3]),
    last: isoFromSqlTimestamp(r[4]),
  }));
}
