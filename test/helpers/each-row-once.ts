import assert from 'node:assert/strict';
import { parquetReadObjects } from 'hyparquet';
import { committedFiles } from '../../src/lake/lake-files.js';
import { parquetDecompressors } from '../../src/lake/parquet/parquet-codecs.js';
import { deploymentOf } from '../../src/config/deployment.js';
import { loadConfig } from '../../src/config/load-config.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import type { LakeStorage } from '../../src/lake/storage/lake-storage.js';
import { StreamWriter, type StreamWriterOptions } from '../../src/streaming/stream-writer.js';
import { sampleEvent } from './events.js';
import { tempDir } from './temp-dir.js';

/**
 * What the "a writer stopped at any step leaves each row once" tests share, whatever the table
 * format or the store: a log whose events spread over every table, a day and the dead letters; a
 * writer run over it; and each table's log offsets to compare with what the log says.
 */

/** The port's calls that change the lake: where a fault stops a writer. */
export const LAKE_CHANGES = ['create', 'upload', 'rename', 'replace', 'delete'] as const;

/** Leases and the writer's status record are information: a crash there changes no data. */
export const informational = (path: string) => path.startsWith('_locks') || path.startsWith('_status');

const DAY_MS = 86_400_000;
/** Every 7th event happened yesterday (another date partition), when the log has late events. */
const yesterday = (i: number) => i % 7 === 0;
/** Every 11th buy is refused: a dead letter of the same owner. */
const refused = (i: number) => i % 11 === 0 && i % 5 < 3;

/** An embedded log of `events` sample events (buy, guild, user in turn); returns its data dir. */
export async function logOfSampleEvents(events: number, options: { yesterdayToo: boolean }): Promise<string> {
  const dataDir = tempDir();
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  await log.append(
    Array.from({ length: events }, (_, i) => {
      const event = sampleEvent(i);
      if (options.yesterdayToo && yesterday(i)) event.event_ts = (event.event_ts as number) - DAY_MS;
      if (refused(i)) event.quantity = 'many';
      return { key: event.username as string, value: JSON.stringify(event) };
    }),
  );
  await log.close();
  return dataDir;
}

/** Each table's log offsets once a writer landed a log of `events` sample events, each row once. */
export function eachRowOnce(events: number) {
  const offsets = (kind: (i: number) => boolean) => Array.from({ length: events }, (_, i) => i).filter(kind);
  return {
    events_buy: offsets((i) => i % 5 < 3 && !refused(i)),
    events_guild: offsets((i) => i % 5 === 3),
    events_user: offsets((i) => i % 5 === 4),
    events_dead_letter: offsets(refused),
  };
}

/** The log offsets of every row in these Parquet files, sorted. */
export async function logOffsetsIn(storage: LakeStorage, paths: string[]): Promise<number[]> {
  const offsets: number[] = [];
  for (const path of paths) {
    const bytes = (await storage.read(path))!;
    const rows = await parquetReadObjects({
      compressors: parquetDecompressors,
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
      columns: ['log_offset'],
    });
    offsets.push(...rows.map((r) => Number(r.log_offset)));
  }
  return offsets.sort((a, b) => a - b);
}

/**
 * What a reader of the Hive table directories counts against a log of `events` sample events: each
 * row once in every table and the dead letters, with nothing left staged (`_tmp/`) or intended (`_wal/`).
 */
export async function assertHiveLakeHoldsEachRowOnce(storage: LakeStorage, events: number): Promise<void> {
  const inTable = async (dir: string) =>
    logOffsetsIn(
      storage,
      (await committedFiles(storage, dir)).map((file) => file.path),
    );
  const once = eachRowOnce(events);
  for (const table of ['events_buy', 'events_guild', 'events_user'] as const)
    assert.deepEqual(await inTable(table), once[table], `${table}: each row once`);
  assert.deepEqual(await inTable('events_dead_letter/buy'), once.events_dead_letter, 'each dead letter once');
  assert.deepEqual(await storage.list('_tmp'), [], 'no staged file is left');
  assert.deepEqual(await storage.list('_wal'), [], 'no intent is left');
}

/**
 * Runs an `all` writer once over the log in `dataDir` into `storage`, in small batches and files (many
 * commits, so many steps to stop at); `options` replace the defaults, `flags` add to the config's.
 */
export async function streamAllOnce(
  dataDir: string,
  storage: LakeStorage,
  options: Partial<StreamWriterOptions> = {},
  flags: Record<string, unknown> = {},
): Promise<void> {
  const config = loadConfig({ flags: { dataDir, ...flags }, env: {} });
  const writer = await StreamWriter.open(config, {
    deployment: deploymentOf(config),
    target: 'all',
    triggerMs: 50,
    once: true,
    maxBatchRecords: 40,
    maxFileRows: 4,
    parquetWriter: 'duckdb',
    storage,
    onProgress: () => undefined,
    onRetry: () => undefined,
    ...options,
  });
  try {
    await writer.run();
  } finally {
    await writer.close();
  }
}
