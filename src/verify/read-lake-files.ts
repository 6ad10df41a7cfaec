import { datePartitionDirs, filesIn, splitMerged } from '../lake/lake-files.js';
import type { CommittedFile } from '../lake/lake-paths.js';
import { ownerDirs, ownersOf, tableSpecOf } from '../lake/owners.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { readFileRows, type FileRows, type FileRowsResult } from './lake-file-rows.js';
import type { LakePositionIndex } from './lake-position-index.js';
import type { Finding } from './verify-report.js';
import { dayInWindow, type TimeWindow } from './time-window.js';

/** A committed file as verify knows it: where it sits and whose it is. */
export interface LakeFile extends CommittedFile {
  /** The table directory: `events_buy`, or `events_dead_letter/buy`. */
  dir: string;
  /** `dt=2026-11-29`. */
  dt: string;
  owner: string;
  dead: boolean;
}

const READS_AT_ONCE = 4;
const ATTEMPTS_PER_DIR = 3;

async function mapLimit<T, R>(items: T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await map(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Where the rows of a file disagree with its name: partition, offsets outside its range, more rows than offsets. */
function fileRowFindings(file: CommittedFile, rows: FileRows): Finding[] {
  const findings: Finding[] = [];
  let min = Infinity;
  let max = -Infinity;
  let outside = 0;
  let otherPartition = 0;
  for (let i = 0; i < rows.offsets.length; i++) {
    const offset = rows.offsets[i]!;
    if (rows.partitions[i] !== file.partition) otherPartition++;
    if (offset < file.firstOffset || offset > file.lastOffset) outside++;
    min = Math.min(min, offset);
    max = Math.max(max, offset);
  }
  const span = file.lastOffset - file.firstOffset + 1;
  const named = `its name gives partition ${file.partition}, offsets ${file.firstOffset}-${file.lastOffset}`;
  if (rows.footerRows === 0) findings.push({ kind: 'row-count', where: file.path, what: `holds no rows; ${named}` });
  else if (otherPartition > 0)
    findings.push({
      kind: 'row-count',
      where: file.path,
      what: `${otherPartition} rows of another log partition; ${named}`,
    });
  else if (outside > 0)
    findings.push({
      kind: 'row-count',
      where: file.path,
      what: `${outside} of ${rows.footerRows} rows lie outside its offsets (rows run ${min}-${max}); ${named}`,
    });
  else if (rows.footerRows > span)
    findings.push({
      kind: 'row-count',
      where: file.path,
      what: `${rows.footerRows} rows for ${span} offsets; ${named}`,
    });
  else if (min !== file.firstOffset || max !== file.lastOffset)
    findings.push({ kind: 'row-count', where: file.path, what: `rows run ${min}-${max}; ${named}` });
  return findings;
}

/** Visible files of one directory and log partition that share offsets (a merge hides only files wholly inside another). */
function overlapFindings(files: CommittedFile[]): Finding[] {
  const findings: Finding[] = [];
  for (let i = 1; i < files.length; i++) {
    const [before, file] = [files[i - 1]!, files[i]!];
    if (before.partition === file.partition && file.firstOffset <= before.lastOffset) {
      findings.push({
        kind: 'overlap',
        where: `${before.path} and ${file.path}`,
        what: `both hold partition ${file.partition} offsets ${file.firstOffset}-${Math.min(before.lastOffset, file.lastOffset)}`,
      });
    }
  }
  return findings;
}

/** One date directory read whole, or `gone` when a file moved away while reading (compaction): then it is listed again. */
async function readDateDir(
  storage: LakeStorage,
  dir: string,
): Promise<{ files: CommittedFile[]; results: FileRowsResult[] } | 'gone'> {
  const files = splitMerged(await filesIn(storage, dir)).visible;
  const results = await mapLimit(files, READS_AT_ONCE, (f) => readFileRows(storage, f.path));
  return results.some((r) => 'gone' in r) ? 'gone' : { files, results };
}

/**
 * Reads the position of every row of every visible file of the lake (date directories outside the
 * window skipped), into `index`; reports unreadable files, rows that disagree with their file's
 * name and overlapping files. Returns the files, indexed as `index` refers to them.
 */
export async function readLakeFiles(
  storage: LakeStorage,
  index: LakePositionIndex,
  window: TimeWindow,
  findings: Finding[],
): Promise<LakeFile[]> {
  const lakeFiles: LakeFile[] = [];
  for (const owner of ownersOf('all')) {
    for (const dir of ownerDirs(owner)) {
      const dead = dir !== tableSpecOf(owner)?.table;
      for (const dateDir of await datePartitionDirs(storage, dir)) {
        const dt = dateDir.slice(dateDir.lastIndexOf('/') + 1);
        if (!dead && !dayInWindow(dt, window)) continue;
        let read: Awaited<ReturnType<typeof readDateDir>> = 'gone';
        for (let attempt = 0; attempt < ATTEMPTS_PER_DIR && read === 'gone'; attempt++)
          read = await readDateDir(storage, dateDir);
        if (read === 'gone') {
          findings.push({
            kind: 'note',
            where: dateDir,
            what: 'its files kept moving while verify read them (compaction): not checked, run verify again',
          });
          continue;
        }
        findings.push(...overlapFindings(read.files));
        read.files.forEach((file, i) => {
          const result = read.results[i]!;
          const fileIndex = lakeFiles.push({ ...file, dir, dt, owner, dead }) - 1;
          if ('unreadable' in result) {
            findings.push({
              kind: 'row-count',
              where: file.path,
              what: `not a readable Parquet file (truncated or damaged): ${result.unreadable}`,
            });
            return;
          }
          if ('gone' in result) return;
          findings.push(...fileRowFindings(file, result.rows));
          for (let r = 0; r < result.rows.offsets.length; r++)
            index.add(result.rows.partitions[r]!, result.rows.offsets[r]!, fileIndex);
        });
      }
    }
  }
  return lakeFiles;
}
