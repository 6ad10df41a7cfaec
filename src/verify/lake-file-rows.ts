import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, type AsyncBuffer } from 'hyparquet';
import { parquetDecompressors } from '../lake/parquet/parquet-codecs.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { LocalLakeStorage } from '../lake/storage/local/local-lake-storage.js';

/** The log position of every row of one lake file, and the row count its footer declares. */
export interface FileRows {
  footerRows: number;
  partitions: Int32Array;
  offsets: Float64Array;
}

export type FileRowsResult = { rows: FileRows } | { unreadable: string } | { gone: true };

const POSITION_COLUMNS = ['log_partition', 'log_offset'];

/** A local file is read by ranges (footer, then the two small columns); a remote one whole, in one request. */
async function openFile(storage: LakeStorage, path: string): Promise<AsyncBuffer | null> {
  if (storage instanceof LocalLakeStorage)
    return asyncBufferFromFile(storage.localPath(path)).catch((error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? null : Promise.reject(error),
    );
  const bytes = await storage.read(path);
  if (bytes === null) return null;
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { byteLength: buffer.byteLength, slice: (start, end) => buffer.slice(start, end) };
}

const isGone = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Reads a lake file's footer and the log position of each row (two int columns, not the events),
 * which is all verify needs: the events themselves are compared through the log. `gone` when the
 * file moved away meanwhile (compaction hid it), `unreadable` when it is not a whole Parquet file.
 */
export async function readFileRows(storage: LakeStorage, path: string): Promise<FileRowsResult> {
  let file: AsyncBuffer | null;
  try {
    file = await openFile(storage, path);
  } catch (error) {
    if (isGone(error)) return { gone: true };
    throw error;
  }
  if (file === null) return { gone: true };
  try {
    const metadata = await parquetMetadataAsync(file);
    const footerRows = Number(metadata.num_rows);
    const partitions = new Int32Array(footerRows);
    const offsets = new Float64Array(footerRows);
    let decoded = 0;
    await parquetRead({
      file,
      metadata,
      compressors: parquetDecompressors,
      columns: POSITION_COLUMNS,
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        const target = columnName === 'log_offset' ? offsets : partitions;
        for (let i = 0; i < rowEnd - rowStart && rowStart + i < footerRows; i++)
          target[rowStart + i] = Number(columnData[i]);
        if (columnName === 'log_offset') decoded += rowEnd - rowStart;
      },
    });
    if (decoded !== footerRows)
      return { unreadable: `its footer declares ${footerRows} rows but ${decoded} could be read` };
    return { rows: { footerRows, partitions, offsets } };
  } catch (error) {
    if (isGone(error)) return { gone: true };
    return { unreadable: String((error as Error).message ?? error).split('\n')[0]! };
  }
}
