import type { LakeEntry, LakeStorage } from './lake-storage.js';

/** Every file under a lake directory, its subdirectories' included (the port's `list` is one level). */
export async function listTree(storage: Pick<LakeStorage, 'list'>, dir: string): Promise<LakeEntry[]> {
  const files: LakeEntry[] = [];
  for (const entry of await storage.list(dir))
    if (entry.isDirectory) files.push(...(await listTree(storage, entry.path)));
    else files.push(entry);
  return files;
}
