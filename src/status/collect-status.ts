import type { Config } from '../config/config-fields.js';
import { isGamepipeError } from '../errors.js';
import { createEventLogReader, eventLogKind } from '../eventlog/create-event-log.js';
import type { Positions } from '../eventlog/event-log.js';
import { positionsRecord } from '../eventlog/positions.js';
import { leaseKey, listLeases } from '../lake/commit/owner-lease.js';
import { ownersOf } from '../lake/owners.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { LakeCatalogRegistry } from '../sql/engines/lake-catalog-registry.js';
import { allTableSpecs } from '../sql/lake-tables.js';
import { openTableFileLister } from '../sql/table-file-lister.js';
import { engineChoice } from '../config/deployment.js';
import { createStateStore, stateStoreKind } from '../state/create-state-store.js';

/** One owner's share of one log partition: who holds it (its lease), where it stands, how far behind. */
export interface PartitionStatus {
  partition: number;
  position: number;
  end: number | null;
  lag: number | null;
  /** The writer holding its lease (`stream buy on host-a, pid 4242`), or null when none does. */
  heldBy: string | null;
}

export interface PipelineStatus {
  dataDir: string;
  server: { url: string; health: string };
  state: { backend: string; where: string; reachable: string };
  log: { backend: string; where: string; topic: string; reachable: string; endOffsets: Record<string, number> };
  lake: { uri: string; reachable: string };
  engine: string;
  writers: { owner: string; position: Record<string, number>; lag: number | null; partitions: PartitionStatus[] }[];
  tables: { table: string; registered: boolean | null; files: number | null }[];
}

const maskPassword = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
const reason = (error: unknown) => (isGamepipeError(error) ? error.message : String((error as Error).message ?? error));

async function serverHealth(url: string): Promise<string> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { status: string; state: string; log: string };
    return body.status === 'ok' ? 'ok' : `unhealthy (state: ${body.state}, log: ${body.log})`;
  } catch {
    return 'not running';
  }
}

/** What a person checks first: what runs where, whether it answers, and how far behind the writers are. */
export async function collectStatus(config: Config): Promise<PipelineStatus> {
  const url = `http://${config.host === 'localhost' ? '127.0.0.1' : config.host}:${config.port}`;
  const storage = await openLakeStorage(config);
  try {
    return await collect(config, url, storage);
  } finally {
    await storage.close();
  }
}

async function collect(config: Config, url: string, storage: LakeStorage): Promise<PipelineStatus> {
  let lakeReachable = 'ok';
  try {
    await storage.ping();
  } catch (error) {
    lakeReachable = reason(error);
  }
  const lakeUp = lakeReachable === 'ok';
  let stateReachable = 'ok';
  if (stateStoreKind(config) === 'redis') {
    try {
      await (await createStateStore(config)).close();
    } catch (error) {
      stateReachable = reason(error);
    }
  }
  let logReachable = 'ok';
  let endOffsets: Positions = new Map();
  try {
    const reader = await createEventLogReader(config, { group: 'gamepipe-status' });
    endOffsets = await reader.endOffsets();
    await reader.close();
  } catch (error) {
    logReachable = reason(error);
  }
  const leases = new Map(
    (lakeUp ? await listLeases(storage) : []).map((l) => [
      l.key,
      l.holder === 'torn'
        ? 'a writer (its lease is being written)'
        : `${l.holder.what} on ${l.holder.host}, pid ${l.holder.pid}`,
    ]),
  );
  const logUp = logReachable === 'ok';
  const writers = [];
  const lister = lakeUp ? await openTableFileLister(config, storage) : undefined;
  try {
    for (const owner of ownersOf('all')) {
      const position = lister ? await lister.positions(owner) : new Map<number, number>();
      const partitionIds = [...new Set([...endOffsets.keys(), ...position.keys()])].sort((a, b) => a - b);
      const partitions = partitionIds.map((partition) => {
        const end = logUp ? (endOffsets.get(partition) ?? 0) : null;
        const at = position.get(partition) ?? 0;
        return {
          partition,
          position: at,
          end,
          lag: end === null || !lakeUp ? null : Math.max(0, end - at),
          heldBy: leases.get(leaseKey(owner, partition)) ?? null,
        };
      });
      const lag = logUp && lakeUp ? partitions.reduce((sum, p) => sum + p.lag!, 0) : null;
      writers.push({ owner, position: positionsRecord(position), lag, partitions });
    }
  } finally {
    await lister?.close();
  }
  // Tables declared in a metastore are Trino's to tell (`gamepipe tables list`); the embedded catalog is in the lake.
  const embedded = engineChoice(config) === 'duckdb';
  const registered = new Set(
    embedded && lakeUp ? (await new LakeCatalogRegistry(storage).declared()).map((t) => t.table) : [],
  );
  const tables = [];
  const files = lakeUp ? await openTableFileLister(config, storage) : undefined;
  try {
    for (const spec of allTableSpecs) {
      tables.push({
        table: spec.table,
        registered: embedded && lakeUp ? registered.has(spec.table) : null,
        files: files ? (await files.files(spec)).length : null,
      });
    }
  } finally {
    await files?.close();
  }
  return {
    dataDir: config.dataDir,
    server: { url, health: await serverHealth(url) },
    state: {
      backend: stateStoreKind(config),
      where: config.redisUrl ? maskPassword(config.redisUrl) : `${config.dataDir}/state`,
      reachable: stateReachable,
    },
    log: {
      backend: eventLogKind(config),
      where: config.kafkaBrokers?.join(',') ?? `${config.dataDir}/log`,
      topic: config.topic,
      reachable: logReachable,
      endOffsets: positionsRecord(endOffsets),
    },
    lake: { uri: storage.uri, reachable: lakeReachable },
    engine: engineChoice(config),
    writers,
    tables,
  };
}
