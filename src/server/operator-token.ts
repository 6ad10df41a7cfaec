import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config-fields.js';

export interface OperatorToken {
  token: string;
  /** Where it came from, to print (never the token itself). */
  source: string;
}

/**
 * The operator token: from the configuration (GAMEPIPE_STATUS_TOKEN, statusToken in the config
 * file, --status-token), the same on every server; else one generated once into the data dir
 * (mode 600), which only this host's servers share.
 */
/** The token a client (the dashboard) sends for a protected /metrics: the configured one, else this host's file if there is one. */
export function metricsToken(config: Config): string | undefined {
  if (config.metricsAccess !== 'token') return undefined;
  const path = join(config.dataDir, 'status-token');
  return config.statusToken ?? (existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined);
}

export function operatorToken(config: Config): OperatorToken {
  if (config.statusToken)
    return { token: config.statusToken, source: 'the configured status token (GAMEPIPE_STATUS_TOKEN or statusToken)' };
  const path = join(config.dataDir, 'status-token');
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      writeFileSync(path, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return { token: readFileSync(path, 'utf8').trim(), source: path };
}
