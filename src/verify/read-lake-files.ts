import type { CommittedFile } from '../lake/lake-paths.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import type { CommittedLake, DateFiles, LakeFile } from './committed-lake.js';
import { readFileRows, type FileRows, type FileRowsResult } from './lake-file-rows.js';
import type { LakePositionIndex } from './lake-position-index.js';
import type { Finding } from './verify-report.js';
import { dayInWindow, type TimeWindow } from './time-window.js';

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

type ListedFile = Awaited<ReturnType<DateFiles['list']>>[number];

/** One date's files read whole, or `gone` when a file moved away while reading (Hive compaction): then they are listed again. */
async function readDate(
  storage: LakeStorage,
  date: DateFiles,
): Promise<{ files: ListedFile[]; results: FileRowsResult[] } | 'gone'> {
  const files = await date.list();
  const results = await mapLimit(files, READS_AT_ONCE, (f) => readFileRows(storage, f.path));
  return date.relistWhenGone && results.some((r) => 'gone' in r) ? 'gone' : { files, results };
}

/** A file another engine wrote takes its partition and offsets from its rows (the first row's partition). */
function spanOfRows(file: ListedFile, rows: FileRows): ListedFile {
  let [first, last] = [Infinity, -Infinity];
  for (const offset of rows.offsets) [first, last] = [Math.min(first, offset), Math.max(last, offset)];
  return rows.offsets.length === 0
    ? file
    : { ...file, partition: rows.partitions[0]!, firstOffset: first, lastOffset: last };
}

/**
 * Reads the position of every row of every committed file of the lake (dates outside the window
 * skipped, dead letters always read), into `index`; reports unreadable files, rows that disagree
 * with their file's name and overlapping files. Returns the files, indexed as `index` refers to them.
 */
export async function readLakeFiles(
  storage: LakeStorage,
  lake: CommittedLake,
  index: LakePositionIndex,
  window: TimeWindow,
  findings: Finding[],
): Promise<LakeFile[]> {
  const lakeFiles: LakeFile[] = [];
  for (const date of await lake.dates()) {
    if (!date.dead && !dayInWindow(date.dt, window)) continue;
    let read: Awaited<ReturnType<typeof readDate>> = 'gone';
    for (let attempt = 0; attempt < ATTEMPTS_PER_DIR && read === 'gone'; attempt++)
      read = await readDate(storage, date);
    if (read === 'gone') {
      findings.push({
        kind: 'note',
        where: date.where,
        what: 'its files kept moving while verify read them (compaction): not checked, run verify again',
      });
      continue;
    }
    findings.push(...overlapFindings(read.files.filter((f) => !f.unnamed)));
    read.files.forEach((listed, i) => {
      const result = read.results[i]!;
      const file = 'rows' in result && listed.unnamed ? spanOfRows(listed, result.rows) : listed;
      const { dir, dt, owner, dead } = date;
      const fileIndex = lakeFiles.push({ ...file, dir, dt, owner, dead }) - 1;
      if ('unreadable' in result) {
        findings.push({
          kind: 'row-count',
          where: file.path,
          what: `not a readable Parquet file (truncated or damaged): ${result.unreadable}`,
        });
        return;
      }
      if ('gone' in result) {
        if (!date.relistWhenGone)
          findings.push({
            kind: 'row-count',
            where: file.path,
            what: "named by its table's current snapshot but not in the lake: queries of the table fail",
          });
        return;
      }
      if (listed.unnamed) {
        if (result.rows.footerRows === 0) findings.push({ kind: 'row-count', where: file.path, what: 'holds no rows' });
      } else findings.push(...fileRowFindings(file, result.rows));
      for (let r = 0; r < result.rows.offsets.length; r++)
        index.add(result.rows.partitions[r]!, result.rows.offsets[r]!, fileIndex);
    });
  }
  return lakeFiles;
}
