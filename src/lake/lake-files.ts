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

/**
 * The committed data files under `<root>/<tableDir>/dt=*`, oldest offsets first. Only complete
 * files ever carry a data file name (they are renamed into place), so this is a consistent set.
 */
export function committedFiles(root: string, tableDir: string): CommittedFile[] {
  const files: CommittedFile[] = [];
  for (const partitionDir of listDir(join(root, tableDir)).filter((d) => d.startsWith('dt=')).sort()) {
    for (const name of listDir(join(root, tableDir, partitionDir))) {
      const parsed = parseDataFileName(name);
      if (parsed) files.push({ path: join(tableDir, partitionDir, name), ...parsed });
    }
  }
  return files.sort((a, b) => a.partition - b.partition || a.firstOffset - b.firstOffset);
}
