import * as zlib from 'node:zlib';
import type { Compressors } from 'hyparquet';

/**
 * What hyparquet needs to read every codec found in the lake: it decodes Snappy itself; gamepipe's
 * DuckDB encoder writes ZSTD, and so does Trino (INSERT, optimize). Node's zlib has ZSTD since
 * Node 22.15 (newer than this project's Node types), GZIP and Brotli.
 */
const { zstdDecompressSync } = zlib as unknown as { zstdDecompressSync: (input: Uint8Array) => Uint8Array };
export const parquetDecompressors: Compressors = {
  ZSTD: (input) => zstdDecompressSync(input),
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
};
