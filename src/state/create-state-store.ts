import type { Config } from '../config/config-fields.js';
import type { StateStore } from './state-store.js';

export const stateStoreKind = (config: Config): 'redis' | 'embedded' => (config.redisUrl ? 'redis' : 'embedded');

/** Redis when a URL is configured, else the embedded store in the data dir. Only the chosen adapter loads (ioredis takes ~0.2 s). */
export async function createStateStore(config: Config): Promise<StateStore> {
  if (config.redisUrl) {
    const { RedisStateStore } = await import('./redis-state-store.js');
    return RedisStateStore.connect(config.redisUrl, config.redisPrefix);
  }
  const { EmbeddedStateStore } = await import('./embedded-state-store.js');
  return EmbeddedStateStore.open(config.dataDir);
}
