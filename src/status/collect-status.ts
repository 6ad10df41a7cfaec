import type { Config } from '../config/config-fields.js';
import { isGamepipeError } from '../errors.js';
import { createEventLogReader, eventLogKind } from '../eventlog/create-event-log.js';
import type { Positions } from '../eventlog/event-log.js';
import { positionsRecord } from '../eventlog/positions.js';
import { lakeRoot } from '../lake/lake-paths.js';
import { tableFiles } from '../sql/lake-views.js';
import { allTableSpecs, registeredTables } from '../sql/table-catalog.js';
import { createStateStore, stateStoreKind } from '../state/create-state-store.js';
import { recoverPositions } from '../streaming/recover-positions.js';
import { ownersOf } from '../streaming/writers.js';

export interface PipelineStatus {
  dataDir: string;
  server: { url: string; health: string };
  state: { backend: string; where: string; reachable: string };
  log: { backend: string; where: string; topic: string; reachable: string; endOffsets: Record<string, number> };
  writers: { owner: string; position: Record<string, number>; lag: number | null }[];
  tables: { table: string; registered: boolean; files: number }[];
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
  const root = lakeRoot(config.dataDir);
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
  const writers = ownersOf('all').map((owner) => {
    const position = recoverPositions(root, owner);
    const lag = logReachable === 'ok' ? [...endOffsets].reduce((sum, [p, end]) => sum + Math.max(0, end - (position.get(p) ?? 0)), 0) : null;
    return { owner, position: positionsRecord(position), lag };
  });
  const registered = new Set(registeredTables(root).map((t) => t.table));
  return {
    dataDir: config.dataDir,
    server: { url, health: await serverHealth(url) },
    state: { backend: stateStoreKind(config), where: config.redisUrl ? maskPassword(config.redisUrl) : `${config.dataDir}/state`, reachable: stateReachable },
    log: { backend: eventLogKind(config), where: config.kafkaBrokers?.join(',') ?? `${config.dataDir}/log`, topic: config.topic, reachable: logReachable, endOffsets: positionsRecord(endOffsets) },
    writers,
    tables: allTableSpecs.map((spec) => ({ table: spec.table, registered: registered.has(spec.table), files: tableFiles(root, spec).length })),
  };
}
