import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { readFileRows } from '../../src/verify/lake-file-rows.js';
import { tempDir } from '../helpers/temp-dir.js';

it("reads the log positions of Parquet files other engines compress (Trino's Iceberg files are ZSTD), not only Snappy", async () => {
  const dir = tempDir();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const codec of ['zstd', 'gzip', 'brotli', 'snappy']) {
      await connection.run(
        `COPY (SELECT 1::INT AS log_partition, range::BIGINT + 40 AS log_offset FROM range(500)) TO '${dir}/${codec}.parquet' (FORMAT parquet, COMPRESSION ${codec})`,
      );
      const read = await readFileRows(new LocalLakeStorage(dir), `${codec}.parquet`);
      assert.ok('rows' in read, `${codec}: ${JSON.stringify(read)}`);
      assert.deepEqual(
        [read.rows.footerRows, read.rows.partitions[499], read.rows.offsets[0], read.rows.offsets[499]],
        [500, 1, 40, 539],
        codec,
      );
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});
