import type { Config } from '../config/config-fields.js';
import type { Positions } from '../eventlog/event-log.js';
import { deadLetterSpec } from '../events/tables.js';
import { IcebergTable } from '../iceberg/iceberg-table.js';
import { openIcebergCatalog } from '../iceberg/open-iceberg-catalog.js';
import { readTableSnapshot, type TableSnapshot } from '../iceberg/read/table-snapshot.js';
import { allTables, parseIcebergDataPath, tableOfDir, tablesOfOwner } from '../iceberg/write/gamepipe-tables.js';
import { deadLetterDir } from '../lake/lake-paths.js';
import { ownersOf } from '../lake/owners.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { parsePositionKey } from '../sql/iceberg-tail-bounds.js';
import type { CommittedLake, DateFiles } from './committed-lake.js';
import { hygieneFindings } from './hygiene-findings.js';
import { unreferencedDataFiles } from './iceberg-unreferenced-files.js';
import { lagFindings, listIcebergIntents, type TablePositions } from './iceberg-table-lags.js';
import { liveLeaseKeys, type LakeSnapshot } from './lake-snapshot.js';

type ListedFile = Awaited<ReturnType<DateFiles['list']>>[number];

/** Where a snapshot's file belongs: its events table, or its owner's dead letters (the owner from its name). */
function placeOf(table: string, path: string): { dir: string; owner: string; dead: boolean; file: ListedFile } {
  const named = parseIcebergDataPath(path);
  const spec = tableOfDir(table).spec;
  const dead = spec === deadLetterSpec;
  const owner = dead ? (named?.owner ?? 'unknown') : spec.name;
  const base = { path, size: 0, modifiedMs: 0 };
  const file: ListedFile = named
    ? { ...base, partition: named.partition, firstOffset: named.firstOffset, lastOffset: named.lastOffset }
    : { ...base, partition: -1, firstOffset: -1, lastOffset: -1, unnamed: true };
  return { dir: dead && named?.owner ? deadLetterDir(owner) : table, owner, dead, file };
}

/** A snapshot's live files, per table directory and date. */
function datesOf(snapshots: Iterable<TableSnapshot>): Map<string, DateFiles> {
  const dates = new Map<string, DateFiles & { files: ListedFile[] }>();
  for (const snapshot of snapshots) {
    for (const live of snapshot.files) {
      const { dir, owner, dead, file } = placeOf(snapshot.table, live.path);
      const dt = `dt=${live.partition.dt ?? 'null'}`;
      const key = `${dir}/${dt}`;
      let date = dates.get(key);
      if (!date) {
        const files: ListedFile[] = [];
        const where = `${snapshot.table} partition ${dt}`;
        date = { dir, dt, owner, dead, where, files, list: async () => files, relistWhenGone: false };
        dates.set(key, date);
      }
      date.files.push({ ...file, size: live.sizeBytes });
    }
  }
  for (const date of dates.values())
    date.files.sort((a, b) => a.partition - b.partition || a.firstOffset - b.firstOffset);
  return dates;
}

/** A snapshot's `gamepipe.positions` (`<owner>+<partition>` → next offset), per owner. */
function positionsOf(recorded: Record<string, unknown>): Map<string, Positions> {
  const owners = new Map<string, Positions>();
  for (const [key, value] of Object.entries(recorded)) {
    const parsed = parsePositionKey(key);
    if (!parsed || typeof value !== 'number') continue;
    const [owner, partition] = parsed;
    owners.set(owner, (owners.get(owner) ?? new Map()).set(partition, value));
  }
  return owners;
}

/** The named tables that exist, as their catalog points at them now. */
async function openTables(
  config: Config,
  storage: LakeStorage,
  dirs: readonly string[],
): Promise<Map<string, IcebergTable>> {
  const catalog = openIcebergCatalog({ metastoreUrl: config.metastoreUrl, storage });
  const found = new Map<string, IcebergTable>();
  try {
    for (const dir of dirs) {
      const table = await IcebergTable.open({ storage, catalog, ident: { database: config.schema, table: dir }, dir });
      if (table) found.set(dir, table);
    }
  } finally {
    await catalog.close();
  }
  return found;
}

/** The positions the named tables' current snapshots record, read afresh. */
async function tablePositions(config: Config, storage: LakeStorage, dirs: string[]): Promise<TablePositions> {
  const found: TablePositions = new Map();
  for (const [dir, table] of await openTables(config, storage, dirs))
    found.set(dir, positionsOf(await table.positions()));
  return found;
}

/**
 * Iceberg tables (`--table-format iceberg`), through the deployment's catalog (the lake's own, or
 * the Hive metastore): each table at its current snapshot, whose manifests list its files and whose
 * summary (`gamepipe.positions`) records below which offset each owner's rows are in them. Both
 * come from the same snapshot, so a writer committing meanwhile changes neither. An owner's
 * position is the highest of its tables'; a record counts as committed in its own table's. Files no
 * snapshot names (a writer killed while staging) are no rows: a note counts them.
 */
export async function readIcebergLake(config: Config, storage: LakeStorage): Promise<CommittedLake> {
  const leases = await liveLeaseKeys(storage);
  const tables = await openTables(
    config,
    storage,
    allTables().map((t) => t.dir),
  );
  const snapshots = new Map<string, TableSnapshot>();
  for (const [dir, table] of tables) snapshots.set(dir, await readTableSnapshot(table, dir));
  const intents = await listIcebergIntents(storage);
  const perTable: TablePositions = new Map([...snapshots].map(([dir, s]) => [dir, positionsOf(s.positions)]));
  const owners = new Map<string, Positions>();
  for (const owner of ownersOf('all')) {
    const highest: Positions = new Map();
    for (const { dir } of tablesOfOwner(owner))
      for (const [partition, at] of perTable.get(dir)?.get(owner) ?? [])
        highest.set(partition, Math.max(highest.get(partition) ?? 0, at));
    owners.set(owner, highest);
  }
  const dates = datesOf(snapshots.values());
  const tableDirs = new Map<string, string>();
  const livePaths = new Map([...snapshots].map(([dir, s]) => [dir, new Set(s.files.map((f) => f.path))]));
  const snapshot: LakeSnapshot = {
    positions: owners,
    committedAtMs: new Map(),
    liveLeases: leases,
    staged: [],
    intents,
  };
  return {
    positions: {
      owners,
      // Asked once per log record: the table of a directory is looked up once.
      inTable: (owner, dir, partition) =>
        perTable
          .get(tableDirs.get(dir) ?? tableDirs.set(dir, tableOfDir(dir).dir).get(dir)!)
          ?.get(owner)
          ?.get(partition) ?? 0,
    },
    dates: async () => [...dates.values()],
    date: (dir, dt) =>
      dates.get(`${dir}/${dt}`) ?? {
        dir,
        dt,
        owner: '',
        dead: false,
        where: `${tableOfDir(dir).dir} partition ${dt}`,
        list: async () => [],
        relistWhenGone: false,
      },
    filesRead: () => [],
    findings: async (lags) => [
      ...hygieneFindings(snapshot),
      ...(await lagFindings(storage, lags, perTable, (dirs) => tablePositions(config, storage, dirs))),
      ...(await unreferencedDataFiles(storage, livePaths, (dirs) => openTables(config, storage, dirs))),
    ],
  };
}
