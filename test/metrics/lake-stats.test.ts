import { hiveTableFileLister } from '../../src/sql/table-file-lister.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { readLakeStats } from '../../src/metrics/lake-stats.js';

test('files, bytes and the row bound per table, merged and hidden files left out', async () => {
  const storage = new MemoryLakeStorage();
  const put = (path: string, bytes: number) => storage.create(path, Buffer.alloc(bytes));
  await put('events_buy/dt=2026-01-01/events+0+0+9.parquet', 100);
  await put('events_buy/dt=2026-01-02/events+0+10+19.parquet', 50);
  await put('events_buy/dt=2026-01-02/events+1+0+4.parquet', 25);
  await put('events_buy/dt=2026-01-02/events+1+0+1.parquet', 7); // inside 1+0+4: merged, pending deletion
  await put('events_buy/dt=2026-01-02/_merged/events+0+0+3.parquet', 9);
  await put('events_buy/_tmp/events+0+20+29.parquet', 11);
  await put('events_guild/dt=2026-01-01/events+0+3+3.parquet', 10);
  await put('events_dead_letter/buy/dt=2026-01-01/events+0+5+5.parquet', 3);
  await put('events_dead_letter/unrouted/dt=2026-01-01/events+0+6+7.parquet', 4);
  await put('events_dead_letter/_tmp/dt=2026-01-01/events+0+8+8.parquet', 99);
  await put('_status/all.json', 5);
  const stats = await readLakeStats(hiveTableFileLister(storage));
  assert.deepEqual(stats, [
    { table: 'events_buy', files: 3, bytes: 175, maxRows: 25 },
    { table: 'events_guild', files: 1, bytes: 10, maxRows: 1 },
    { table: 'events_user', files: 0, bytes: 0, maxRows: 0 },
    { table: 'events_dead_letter', files: 2, bytes: 7, maxRows: 3 },
  ]);
});
