import { tableSpecOf } from '../owners.js';
import type { DeadLetterRow, ParquetWriter } from '../parquet/parquet-writer.js';
import type { RoutedFile } from './routed-batch.js';

/** Whether a routed file holds rows of its owner's table (else its dead letters). */
export const holdsTableRows = (file: RoutedFile): boolean => file.dir === tableSpecOf(file.owner)?.table;

/** Encodes one routed file of a batch into a local Parquet file at `local`. */
export function encodeRoutedFile(parquet: ParquetWriter, file: RoutedFile, local: string): Promise<void> {
  const spec = tableSpecOf(file.owner);
  if (spec === undefined || file.dir !== spec.table)
    return parquet.writeDeadLetters(local, file.held as DeadLetterRow[]);
  if (file.textPath !== undefined) return parquet.writeEventsFromText!(local, spec, file.textPath);
  return parquet.writeEvents(local, spec, file.held);
}
