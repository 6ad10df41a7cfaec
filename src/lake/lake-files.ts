import { parseDataFileName, type CommittedFile } from './lake-paths.js';
import type { LakeStorage } from './storage/lake-storage.js';

const byPosition = (a: CommittedFile, b: CommittedFile) =>
  a.partition - b.partition || a.firstOffset - b.firstOffset || b.lastOffset - a.lastOffset;

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
export async function datePartitionDirs(storage: Pick<LakeStorage, 'list'>, tableDir: string): Promise<string[]> {
  return (await storage.list(tableDir))
    .filter((e) => e.isDirectory && e.name.startsWith('dt='))
    .map((e) => e.path)
    .sort();
}

/** A closed date partition's compacted files live in `<dt dir>/_gen-<n>/`; its first files (generation 0) in the dt dir itself. */
export const GENERATION_PREFIX = '_gen-';
export const generationDir = (dateDir: string, generation: number): string =>
  generation === 0 ? dateDir : `${dateDir}/${GENERATION_PREFIX}${generation}`;

export interface Generation {
  generation: number;
  dir: string;
}

/** The generations of a date-partition directory, oldest first: always generation 0 (the directory itself). */
export async function generationsOf(storage: Pick<LakeStorage, 'list'>, dateDir: string): Promise<Generation[]> {
  const found: Generation[] = [{ generation: 0, dir: dateDir }];
  for (const entry of await storage.list(dateDir)) {
    const generation =
      entry.isDirectory && entry.name.startsWith(GENERATION_PREFIX)
        ? Number(entry.name.slice(GENERATION_PREFIX.length))
        : NaN;
    if (Number.isInteger(generation) && generation > 0) found.push({ generation, dir: entry.path });
  }
  return found.sort((a, b) => a.generation - b.generation);
}

/** The newest generation's directory: where the partition's files are now, and where late files belong. */
export async function currentGenerationDir(storage: Pick<LakeStorage, 'list'>, dateDir: string): Promise<string> {
  return (await generationsOf(storage, dateDir)).at(-1)!.dir;
}

/**
 * The files of one date partition a query reads, over all its generations: a compacted file holds
 * the whole offset range of the files it was made from, so those are hidden (`splitMerged`) as soon
 * as it is in place, and a late file written into an older generation stays visible.
 */
export async function dateFiles(storage: LakeStorage, dateDir: string): Promise<CommittedFile[]> {
  const generations = await generationsOf(storage, dateDir);
  // Newest generation first: of two files with the same offsets (a file compaction rewrote alone), the newer one is read.
  const files = (await Promise.all(generations.reverse().map((g) => filesIn(storage, g.dir)))).flat().sort(byPosition);
  return splitMerged(files).visible;
}

/**
 * The files a query reads under `<tableDir>/dt=*`: complete files only (they are renamed into place)
 * and not one whose offsets lie inside another's (a merge that was interrupted before it hid its
 * sources, or an older generation of a compacted partition), so no row is counted twice. A
 * consistent set at the moment of listing.
 */
export async function committedFiles(storage: LakeStorage, tableDir: string): Promise<CommittedFile[]> {
  const dirs = await datePartitionDirs(storage, tableDir);
  return (await Promise.all(dirs.map((dir) => dateFiles(storage, dir)))).flat();
}

/**
 * Splits files (sorted as `filesIn` sorts them) into those a query reads and those whose offsets
 * all lie inside another file's range: compaction merged them into it.
 */
export function splitMerged(files: CommittedFile[]): {
  visible: CommittedFile[];
  merged: { file: CommittedFile; into: CommittedFile }[];
} {
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
