import { deploymentOf } from '../config/deployment.js';
import { Catalog } from '../catalog/catalog.js';
import type { Config } from '../config/config-fields.js';
import { createEventLog, eventLogKind } from '../eventlog/create-event-log.js';
import type { EventLog } from '../eventlog/event-log.js';
import { createStateStore, stateStoreKind } from '../state/create-state-store.js';
import type { StateStore } from '../state/state-store.js';
import { acquireDirLock } from '../util/dir-lock.js';
import { buildServer, type ServerSecurity } from './build-server.js';
import { operatorToken } from './operator-token.js';

export interface RunningServer {
  url: string;
  statusTokenSource: string;
  backends: { state: string; log: string };
  /** The players' keys in the server's state store, for a stream writer in the same process (`up`) to open sealed fields. */
  playerKeys: Pick<StateStore, 'keysById'>;
  stop(): Promise<void>;
}

export const serverSecurity = (config: Config): ServerSecurity => ({
  protectMetrics: config.metricsAccess === 'token',
  signupLimit: { perAddress: config.signupLimit, windowMs: config.signupWindow, exempt: config.signupLimitExempt },
  trustProxy: config.trustProxy ?? [],
});

/** Opens the configured back ends and serves the game API until `stop`. */
export async function runServer(config: Config): Promise<RunningServer> {
  const catalog = Catalog.fromFile(config.itemCatalog);
  const backends = { state: stateStoreKind(config), log: eventLogKind(config) };
  const usesDataDir = backends.state === 'embedded' || backends.log === 'embedded';
  const release = usesDataDir ? acquireDirLock(config.dataDir, 'serve', 'gamepipe serve') : () => undefined;
  let store: StateStore | undefined;
  let log: EventLog | undefined;
  try {
    store = await createStateStore(config);
    log = await createEventLog(config);
    const { token, source } = operatorToken(config);
    const app = await buildServer({
      store,
      log,
      catalog,
      statusToken: token,
      security: serverSecurity(config),
      backends,
      sealPersonalFields: deploymentOf(config).sealsPersonalFields,
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const openStore = store;
    const openLog = log;
    return {
      url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
      statusTokenSource:
        backends.state === 'redis' && !config.statusToken
          ? `${source} (this server's own: set GAMEPIPE_STATUS_TOKEN so that every server shares one)`
          : source,
      backends,
      playerKeys: store,
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
