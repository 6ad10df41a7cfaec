import type { IcebergTable } from '../iceberg/iceberg-table.js';
import { reachableFiles } from '../iceberg/maintenance/reachable-files.js';
import { TableLocation } from '../iceberg/table-location.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { listTree } from '../lake/storage/list-tree.js';
import { plural } from './finding-groups.js';
import type { Finding } from './verify-report.js';

/**
 * Per table, the data files under its `data/` that no snapshot references: what a writer killed
 * while staging left (or one staging now), invisible to every reader and never counted as rows.
 * Only files the snapshot verify read does not hold are looked for in every snapshot (a walk over
 * each one's manifest list), and only in a table opened afresh after the listing, so that a file
 * committed meanwhile is referenced. Not a discrepancy: `gamepipe tables maintain` removes them
 * once older than its grace period.
 */
export async function unreferencedDataFiles(
  storage: LakeStorage,
  live: ReadonlyMap<string, ReadonlySet<string>>,
  openTables: (dirs: readonly string[]) => Promise<Map<string, IcebergTable>>,
): Promise<Finding[]> {
  const candidates = new Map<string, string[]>();
  for (const [dir, paths] of live) {
    const others = (await listTree(storage, `${dir}/data`))
      .map((e) => e.path)
      .filter((p) => p.endsWith('.parquet') && !paths.has(p));
    if (others.length > 0) candidates.set(dir, others);
  }
  if (candidates.size === 0) return [];
  const findings: Finding[] = [];
  for (const [dir, table] of await openTables([...candidates.keys()])) {
    const reachable = await reachableFiles(new TableLocation(storage, dir), table.metadata, table.metadataLocation);
    const orphans = candidates.get(dir)!.filter((path) => !reachable.has(path));
    if (orphans.length === 0) continue;
    findings.push({
      kind: 'note',
      where: `${dir}/data`,
      what: `${plural(orphans.length, 'data file')} no snapshot references (left by a writer stopped while staging, or staged now), e.g. ${orphans[0]}: no reader counts them; gamepipe tables maintain removes them after its grace period`,
    });
  }
  return findings;
}
