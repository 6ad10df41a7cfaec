import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { listTree } from '../lake/storage/list-tree.js';

/** Every Parquet file under a lake directory, hidden ones included (`_gen-*`, `_merged/`, `_tmp/`): what anyone with the files can read. */
export async function parquetFilesUnder(storage: Pick<LakeStorage, 'list'>, dir: string): Promise<string[]> {
  return (await listTree(storage, dir))
    .filter((entry) => entry.name.endsWith('.parquet'))
    .map((entry) => entry.path)
    .sort();
}
