import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import type { LakeStorage } from '../../src/lake/storage/lake-storage.js';
import { openLakeStorage } from '../../src/lake/storage/open-lake-storage.js';
import { allTableSpecs, tableFiles } from '../../src/sql/lake-tables.js';
import { HDFS_URI, WEBHDFS_URL } from './services.js';
import { uniqueName } from './temp-dir.js';

/** A fresh lake on the test HDFS, deleted when the test file ends. */
export function hdfsLake(label: string): { uri: string; flags: string[]; open(): Promise<LakeStorage> } {
  const uri = `${HDFS_URI}/gamepipe-test/${uniqueName(label)}`;
  const open = () =>
    openLakeStorage(loadConfig({ flags: { lake: uri, webhdfsUrl: WEBHDFS_URL, hdfsUser: 'gamepipe' }, env: {} }));
  after(async () => {
    const storage = await open();
    await storage.delete('', { recursive: true }).catch(() => false);
    await storage.close();
  });
  return { uri, flags: ['--lake', uri, '--webhdfs-url', WEBHDFS_URL, '--hdfs-user', 'gamepipe'], open };
}

/** Reads every file a query would read from an HDFS lake (through OPEN) into `<dataDir>/lake`, to query them with DuckDB. */
export async function copyLakeToLocal(storage: LakeStorage, dataDir: string): Promise<number> {
  let copied = 0;
  for (const spec of allTableSpecs) {
    for (const file of await tableFiles(storage, spec)) {
      const local = join(dataDir, 'lake', file.path);
      mkdirSync(dirname(local), { recursive: true });
      writeFileSync(local, (await storage.read(file.path))!);
      copied++;
    }
  }
  return copied;
}
