import type { Config } from '../config/config-fields.js';
import { POSITIONS_DIR } from '../lake/commit/recover-positions.js';
import { datePartitionDirs, filesIn, splitMerged } from '../lake/lake-files.js';
import { ownerDirs, ownersOf, tableSpecOf } from '../lake/owners.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { catalogFindings } from './catalog-findings.js';
import type { CommittedLake, DateFiles, LakeFile } from './committed-lake.js';
import { hygieneFindings } from './hygiene-findings.js';
import { ownerIsLive, takeLakeSnapshot, type LakeSnapshot } from './lake-snapshot.js';
import type { Finding } from './verify-report.js';

/**
 * An owner whose position file is missing (the writer recovers it from the file names) gets the
 * position its files' names give, so its files are still checked; only when its writer is not
 * running, since a running one may be in the middle of its first commit.
 */
function positionsFromFileNames(snapshot: LakeSnapshot, files: LakeFile[]): Finding[] {
  const notes: Finding[] = [];
  for (const [owner, positions] of snapshot.positions) {
    const own = files.filter((f) => f.owner === owner);
    if (positions.size > 0 || ownerIsLive(snapshot, owner) || own.length === 0) continue;
    for (const file of own)
      positions.set(file.partition, Math.max(positions.get(file.partition) ?? 0, file.lastOffset + 1));
    notes.push({
      kind: 'note',
      where: `${POSITIONS_DIR}/${owner}+*.json`,
      what: `missing: the ${owner} writer's position is taken from its file names, as the writer itself would`,
    });
  }
  return notes;
}

/** The owner of a table directory (`events_buy`, `events_dead_letter/buy`). */
const ownerOfDir = (dir: string): string => ownersOf('all').find((o) => ownerDirs(o).includes(dir)) ?? dir;

/** One date directory of a Hive table: its visible files, listed again whenever asked. */
function hiveDate(storage: LakeStorage, dir: string, dt: string): DateFiles {
  const owner = ownerOfDir(dir);
  const where = `${dir}/${dt}`;
  return {
    dir,
    dt,
    owner,
    dead: dir !== tableSpecOf(owner)?.table,
    where,
    list: async () => splitMerged(await filesIn(storage, where)).visible,
    relistWhenGone: true,
  };
}

/**
 * Hive tables: the writers' `_positions/` records (one per owner and log partition) and leases read
 * first, then the `dt=` directories: whatever a running writer renames in meanwhile lies beyond
 * the positions read, so it is never taken for a discrepancy.
 */
export async function readHiveLake(config: Config, storage: LakeStorage): Promise<CommittedLake> {
  const snapshot = await takeLakeSnapshot(storage);
  return {
    positions: {
      owners: snapshot.positions,
      inTable: (owner, _dir, partition) => snapshot.positions.get(owner)?.get(partition) ?? 0,
    },
    async dates() {
      const dates: DateFiles[] = [];
      for (const owner of ownersOf('all'))
        for (const dir of ownerDirs(owner))
          for (const dateDir of await datePartitionDirs(storage, dir))
            dates.push(hiveDate(storage, dir, dateDir.slice(dateDir.lastIndexOf('/') + 1)));
      return dates;
    },
    date: (dir, dt) => hiveDate(storage, dir, dt),
    filesRead: (files) => positionsFromFileNames(snapshot, files),
    findings: async () => [...hygieneFindings(snapshot), ...(await catalogFindings(config, storage))],
  };
}
