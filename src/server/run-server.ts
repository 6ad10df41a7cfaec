import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../catalog/catalog.js';
import type { Config } from '../config/config-fields.js';
import { createEventLog, eventLogKind } from '../eventlog/create-event-log.js';
import type { EventLog } from '../eventlog/event-log.js';
import { createStateStore, stateStoreKind } from '../state/create-state-store.js';
import type { StateStore } from '../state/state-store.js';
import { acquireDirLock } from '../util/dir-lock.js';
import { buildServer } from './build-server.js';

export interface RunningServer {
  url: string;
  statusTokenSource: string;
  backends: { state: string; log: string };
  stop(): Promise<void>;
}

/** The operator token for /status: GAMEPIPE_STATUS_TOKEN, else one kept in the data dir (mode 600). */
function statusToken(dataDir: string, env: NodeJS.ProcessEnv): { token: string; source: string } {
  if (env.GAMEPIPE_STATUS_TOKEN) return { token: env.GAMEPIPE_STATUS_TOKEN, source: 'GAMEPIPE_STATUS_TOKEN' };
  const path = join(dataDir, 'status-token');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return { token: readFileSync(path, 'utf8').trim(), source: path };
}

/** Opens the configured back ends and serves the game API until `stop`. */
export async function runServer(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const catalog = Catalog.fromFile(config.itemCatalog);
  const backends = { state: stateStoreKind(config), log: eventLogKind(config) };
  const usesDataDir = backends.state === 'embedded' || backends.log === 'embedded';
  const release = usesDataDir ? acquireDirLock(config.dataDir, 'serve', 'gamepipe serve') : () => undefined;
  let store: StateStore | undefined;
  let log: EventLog | undefined;
  try {
    store = await createStateStore(config);
    log = await createEventLog(config);
    const { token, source } = statusToken(config.dataDir, env);
    const app = await buildServer({ store, log, catalog, statusToken: token, backends });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const openStore = store;
    const openLog = log;
    return {
      url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
      statusTokenSource: source,
      backends,
      stop: async () => {
        await app.close();
        await openLog.close();
        await openStore.close();
        release();
      },
    };
  } catch (error) {
    await log?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    release();
    throw error;
  }
}
