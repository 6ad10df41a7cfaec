import { parseDataFileName, type CommittedFile } from './lake-paths.js';
import type { LakeStorage } from './storage/lake-storage.js';

const byPosition = (a: CommittedFile, b: CommittedFile) => a.partition - b.partition || a.firstOffset - b.firstOffset || b.lastOffset - a.lastOffset;

/** Every committed data file directly in one directory (a lake path), by position. */
export async function filesIn(storage: LakeStorage, dir: string): Promise<CommittedFile[]> {
  const files: CommittedFile[] = [];
  for (const entry of await storage.list(dir)) {
    const parsed = entry.isDirectory ? null : parseDataFileName(entry.name);
    if (parsed) files.push({ path: entry.path, size: entry.size, modifiedMs: entry.modifiedMs, ...parsed });
  }
  return files.sort(byPosition);
}

/** The date-partition directories (`<tableDir>/dt=…`) of a table directory, in date order. */
export async function datePartitionDirs(storage: LakeStorage, tableDir: string): Promise<string[]> {
  return (await storage.list(tableDir))
    .filter((e) => e.isDirectory && e.name.startsWith('dt='))
    .map((e) => e.path)
    .sort();
}

/**
 * The files a query reads under `<tableDir>/dt=*`: complete files only (they are renamed into place)
 * and not one whose offsets lie inside another's (a merge that was interrupted before it hid its
 * sources), so no row is counted twice. A consistent set at the moment of listing.
 */
export async function committedFiles(storage: LakeStorage, tableDir: string): Promise<CommittedFile[]> {
  const dirs = await datePartitionDirs(storage, tableDir);
  const perDir = await Promise.all(dirs.map((dir) => filesIn(storage, dir)));
  return perDir.flatMap((files) => splitMerged(files).visible);
}

/**
 * Splits files (sorted as `filesIn` sorts them) into those a query reads and those whose offsets
 * all lie inside another file's range: compaction merged them into it.
 */
export function splitMerged(files: CommittedFile[]): { visible: CommittedFile[]; merged: { file: CommittedFile; into: CommittedFile }[] } {
  const visible: CommittedFile[] = [];
  const merged: { file: CommittedFile; into: CommittedFile }[] = [];
  let widest: CommittedFile | undefined;
  for (const file of files) {
    if (widest && widest.partition === file.partition && widest.lastOffset >= file.lastOffset) {
      merged.push({ file, into: widest });
      continue;
    }
    visible.push(file);
    widest = file;
  }
  return { visible, merged };
}
