import type { Config } from '../config/config-fields.js';
import { EmbeddedStateStore } from './embedded-state-store.js';
import { RedisStateStore } from './redis-state-store.js';
import type { StateStore } from './state-store.js';

export const stateStoreKind = (config: Config): 'redis' | 'embedded' => (config.redisUrl ? 'redis' : 'embedded');

/** Redis when a URL is configured, else the embedded store in the data dir. */
export async function createStateStore(config: Config): Promise<StateStore> {
  if (config.redisUrl) return RedisStateStore.connect(config.redisUrl);
  return EmbeddedStateStore.open(config.dataDir);
}
