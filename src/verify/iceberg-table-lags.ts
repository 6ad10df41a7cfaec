import type { Positions } from '../eventlog/event-log.js';
import { tableOfDir } from '../iceberg/write/gamepipe-tables.js';
import { ICEBERG_INTENT_DIR } from '../iceberg/write/multi-table-intent.js';
import { leaseKey } from '../lake/commit/owner-lease.js';
import { ownersOf } from '../lake/owners.js';
import type { LakeEntry, LakeStorage } from '../lake/storage/lake-storage.js';
import type { TableLag } from './committed-lake.js';
import { plural } from './finding-groups.js';
import { liveLeaseKeys, writerOf } from './lake-snapshot.js';
import type { Finding } from './verify-report.js';

/** Per table directory, per owner, the positions its snapshot records. */
export type TablePositions = Map<string, Map<string, Positions>>;

/** The Iceberg writers' intents of commits across tables (`_iceberg_wal/<writer>+<partition>+<uuid>.json`). */
export const listIcebergIntents = async (storage: LakeStorage): Promise<LakeEntry[]> =>
  (await storage.list(ICEBERG_INTENT_DIR)).filter((e) => !e.isDirectory && e.name.endsWith('.json'));

const recordedIn = (positions: TablePositions, table: string, lag: TableLag) =>
  positions.get(table)?.get(lag.owner)?.get(lag.partition) ?? 0;

/**
 * What records below their owner's position in one table but not in their own mean. The tables are
 * read one after another, so their table is read again first: recording them now, a commit landed
 * while verify read (a note: run it again). Otherwise a commit across tables stopped between its
 * snapshots: while its writer runs or its intent waits (both read after the tables), the writer's
 * `recover` rolls it forward (a note); else nothing will, and the records are missing.
 */
export async function lagFindings(
  storage: LakeStorage,
  lags: readonly TableLag[],
  then: TablePositions,
  reread: (tables: string[]) => Promise<TablePositions>,
): Promise<Finding[]> {
  if (lags.length === 0) return [];
  const now = await reread([...new Set(lags.map((lag) => tableOfDir(lag.dir).dir))]);
  const leases = await liveLeaseKeys(storage);
  const intents = await listIcebergIntents(storage);
  return lags.map((lag) => {
    const table = tableOfDir(lag.dir).dir;
    const where = `${lag.dir} partition ${lag.partition} offsets ${lag.first}-${lag.last}`;
    const events = plural(lag.count, 'event');
    if (recordedIn(now, table, lag) > lag.last)
      return {
        kind: 'note',
        where,
        what: `${events} committed to ${table} while verify read it: not checked, run verify again`,
      };
    const behind = `${table} records the ${lag.owner} writer's partition ${lag.partition} up to ${recordedIn(then, table, lag)} only, another of its tables further`;
    const intent = intents.find((e) => {
      const of = writerOf(e.name);
      return of?.partition === lag.partition && ownersOf(of.writer).includes(lag.owner);
    });
    if (intent || leases.has(leaseKey(lag.owner, lag.partition)))
      return {
        kind: 'note',
        where,
        what: `${events} not in ${table} yet: ${behind}; a commit across tables under way${intent ? ` (${intent.path})` : ''}, which the writer finishes`,
      };
    return { kind: 'missing', where, what: `${events} committed in no file: ${behind}, and no intent finishes it` };
  });
}
