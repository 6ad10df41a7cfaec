import { openPersonalFields } from '../events/personal-fields.js';
import type { Config } from '../config/config-fields.js';
import { deploymentOf } from '../config/deployment.js';
import { createEventLogReader } from '../eventlog/create-event-log.js';
import type { Positions } from '../eventlog/event-log.js';
import { deadLetterSpec } from '../events/tables.js';
import { recordedPositionsOf } from '../lake/commit/recover-positions.js';
import type { CommittedFile } from '../lake/lake-paths.js';
import { datePartition, deadLetterDir } from '../lake/lake-paths.js';
import { ownersOf, tableSpecOf } from '../lake/owners.js';
import type { DeadLetterRow, LakeRow } from '../lake/parquet/parquet-writer.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';

/** A row of the tail and the table it belongs to (an event table, or the dead letters). */
export interface TailRow {
  table: string;
  row: LakeRow | DeadLetterRow;
}

/**
 * Where the lake's rows end in the log. `owners`: per owner (one a writer lands) and log partition,
 * the lowest offset not landed in every one of its tables: where the tail starts. `of`, when given,
 * says it per table (Iceberg: each table's snapshot records its own positions); else an owner's
 * position holds for all its tables (Hive: one `_positions/` record per owner).
 */
export interface TailBounds {
  owners: Map<string, Positions>;
  of?: (table: string, owner: string) => Positions | undefined;
}

/** Records read from the log at a time. */
const POLL_RECORDS = 10_000;

/** The directory (`events_buy`, `events_dead_letter/buy`), date partition (`dt=…`) and log partition a file holds rows of. */
const fileKey = (dir: string, dt: string, partition: number) => `${dir}|${dt}|${partition}`;

function coveredRanges(files: CommittedFile[]): Map<string, [number, number][]> {
  const ranges = new Map<string, [number, number][]>();
  for (const file of files) {
    const at = file.path.indexOf('/dt=');
    const dt = file.path.slice(at + 1).split('/')[0]!;
    const key = fileKey(file.path.slice(0, at), dt, file.partition);
    if (!ranges.has(key)) ranges.set(key, []);
    ranges.get(key)!.push([file.firstOffset, file.lastOffset]);
  }
  return ranges;
}

/**
 * The rows the event log holds that the lake's files do not hold yet: what the stream writers have
 * read or will read but not landed. Queries read them beside the lake's files, so a row is visible
 * as soon as the log holds it, while the writers land the log in large files.
 *
 * The tail holds the owners a writer lands: those with a recorded position (a writer records one
 * when it takes a partition). A record is in it when it lies at or past its owner's recorded
 * position (read before the files are listed: a commit moves its files before recording the
 * position, so every file of a recorded commit is listed) and no listed file covers it (a commit
 * caught between its moves and its position, whose files are listed already). Each file holds one
 * table's rows of one date and log partition, and its name gives the offsets it spans, so a row is
 * counted either from a file or from the tail, never both and never neither. Records are routed as
 * the writers route them: same validation, same dead letters.
 *
 * Queries read it under DuckDB on the embedded log (`Deployment.queriesReadLogTail`); on Kafka, or under Trino
 * and Presto, the writers' short trigger keeps the lake fresh instead.
 */
export class LogTail {
  private constructor(
    private readonly config: Config,
    private readonly storage: LakeStorage,
  ) {}

  /** The tail of the configured log, when queries read it. */
  static of(config: Config, storage: LakeStorage): LogTail | undefined {
    return deploymentOf(config).queriesReadLogTail ? new LogTail(config, storage) : undefined;
  }

  /** Each owner's recorded position per log partition (none for an owner no writer lands): read this before listing the files. */
  async landedPositions(): Promise<Map<string, Positions>> {
    const recorded = await recordedPositionsOf(this.storage, ownersOf('all'));
    return new Map([...recorded].map(([owner, { positions }]) => [owner, positions]));
  }

  /**
   * The rows of the tail, a poll's worth at a time, given the positions read before `listed` (the
   * files queries read) was listed, or read from the same snapshot as the files (then `listed` is []). Reads nothing when every owner has landed the whole log.
   */
  async *read(bounds: TailBounds, listed: CommittedFile[]): AsyncGenerator<TailRow[]> {
    const landed = bounds.owners;
    const boundOf = (table: string, owner: string, partition: number) =>
      (bounds.of?.(table, owner) ?? landed.get(owner))?.get(partition);
    const reader = await createEventLogReader(this.config, { group: 'gamepipe-query' });
    try {
      const end = await reader.endOffsets();
      const next: Positions = new Map();
      for (const [partition, offset] of end) {
        const starts = [...landed.values()].flatMap((p) => p.get(partition) ?? []);
        next.set(partition, starts.length === 0 ? offset : Math.min(...starts)); // no writer lands anything there: no tail
      }
      const caughtUp = () => [...end].every(([partition, offset]) => (next.get(partition) ?? 0) >= offset);
      if (caughtUp()) return;
      const { routeRecord } = await import('../lake/route-record.js'); // the validators load only when there is a tail
      const covered = coveredRanges(listed);
      const isCovered = (dir: string, dt: string, partition: number, offset: number) =>
        covered.get(fileKey(dir, dt, partition))?.some(([first, last]) => first <= offset && offset <= last) ?? false;
      await reader.seek(next);
      while (!caughtUp()) {
        const records = await reader.poll(POLL_RECORDS, 0);
        if (records.length === 0) break;
        const rows: TailRow[] = [];
        for (const record of records) {
          next.set(record.partition, record.offset + 1);
          if (record.offset >= (end.get(record.partition) ?? 0)) continue;
          const routed = routeRecord(record);
          if (routed.kind === 'skip') continue;
          const table = routed.kind === 'row' ? tableSpecOf(routed.owner)!.table : deadLetterSpec.table;
          const landedTo = boundOf(table, routed.owner, record.partition);
          if (landedTo === undefined || record.offset < landedTo) continue;
          const row: LakeRow = {
            // Sealed personal fields (--log-personal-fields encrypted) are not opened here, where no
            // key is: each shows as its key's pseudonym, one per player, until the writers land it.
            raw: openPersonalFields(record.value, () => null),
            timestamp: record.timestamp,
            partition: record.partition,
            offset: record.offset,
          };
          if (routed.kind === 'row') {
            if (!isCovered(table, datePartition(routed.eventTs), record.partition, record.offset))
              rows.push({ table, row });
          } else if (
            !isCovered(deadLetterDir(routed.owner), datePartition(record.timestamp), record.partition, record.offset)
          ) {
            rows.push({
              table: deadLetterSpec.table,
              row: { ...row, raw: routed.raw, reason: routed.reason, writer: routed.owner } satisfies DeadLetterRow,
            });
          }
        }
        yield rows;
      }
    } finally {
      await reader.close();
    }
  }
}
