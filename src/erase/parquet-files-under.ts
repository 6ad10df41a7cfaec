import type { LakeStorage } from '../lake/storage/lake-storage.js';

/** Every Parquet file under a lake directory, hidden ones included (`_gen-*`, `_merged/`, `_tmp/`): what anyone with the files can read. */
export async function parquetFilesUnder(storage: Pick<LakeStorage, 'list'>, dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await storage.list(dir)) {
    if (entry.isDirectory) found.push(...(await parquetFilesUnder(storage, entry.path)));
    else if (entry.name.endsWith('.parquet')) found.push(entry.path);
  }
  return found.sort();
}
