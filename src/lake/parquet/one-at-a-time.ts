import { SharedOrExclusive } from '../../util/shared-or-exclusive.js';
import type { ParquetWriter } from './parquet-writer.js';

/**
 * The same encoder, one call at a time. A writer stages the next batch while the one before
 * commits, and a commit may merge files (open-day compaction, Iceberg replace snapshots, closed
 * days): both use the writer's one encoder, whose DuckDB connection runs one statement at a time
 * and whose staging table is shared. Each call holds the lock alone, in turn; a failure does not
 * block the next.
 */
export function oneAtATime(encoder: ParquetWriter): ParquetWriter {
  const lock = new SharedOrExclusive();
  const queued = <T>(call: () => Promise<T>): Promise<T> => lock.exclusive(call);
  const { writeEventsFromText } = encoder;
  return {
    writeEvents: (path, spec, rows) => queued(() => encoder.writeEvents(path, spec, rows)),
    writeDeadLetters: (path, rows) => queued(() => encoder.writeDeadLetters(path, rows)),
    merge: (path, spec, sources) => queued(() => encoder.merge(path, spec, sources)),
    ...(writeEventsFromText
      ? {
          writeEventsFromText: (path, spec, textPath) =>
            queued(() => writeEventsFromText.call(encoder, path, spec, textPath)),
        }
      : {}),
    close: () => queued(() => encoder.close()),
  };
}
