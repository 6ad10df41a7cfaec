import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDataFileName, type CommittedFile } from './lake-paths.js';

const listDir = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
};

/** Every committed data file in one directory (relative to the lake root), merged-away ones included, by position. */
export function filesIn(root: string, dir: string): CommittedFile[] {
  const files: CommittedFile[] = [];
  for (const name of listDir(join(root, dir))) {
    const parsed = parseDataFileName(name);
    if (parsed) files.push({ path: join(dir, name), ...parsed });
  }
  return files.sort((a, b) => a.partition - b.partition || a.firstOffset - b.firstOffset || b.lastOffset - a.lastOffset);
}

/** The date-partition directories of a table directory, relative to the lake root. */
export const datePartitionDirs = (root: string, tableDir: string): string[] =>
  listDir(join(root, tableDir))
    .filter((d) => d.startsWith('dt='))
    .sort()
    .map((d) => join(tableDir, d));

/**
 * The files a query reads under `<root>/<tableDir>/dt=*`: complete files only (they are renamed
 * into place), and not those already merged into a larger one, so no row is counted twice while
 * compaction's leftovers wait for deletion. A consistent set at the moment of listing.
 */
export function committedFiles(root: string, tableDir: string): CommittedFile[] {
  return datePartitionDirs(root, tableDir).flatMap((dir) => splitMerged(filesIn(root, dir)).visible);
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
