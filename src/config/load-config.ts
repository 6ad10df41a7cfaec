import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GamepipeError } from '../errors.js';
import { configFields, type Config } from './config-fields.js';

const DEFAULT_CONFIG_FILE = 'gamepipe.config.json';

export interface ConfigSources {
  /** Values given as command-line flags, by config key. */
  flags: Partial<Record<keyof Config, string>>;
  env: NodeJS.ProcessEnv;
  /** An explicit config file (--config or GAMEPIPE_CONFIG); without it ./gamepipe.config.json is read if present. */
  configFile?: string;
}

function readConfigFile(path: string | undefined): Record<string, unknown> {
  const explicit = path !== undefined;
  const file = resolve(path ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (explicit) throw new GamepipeError('CONFIG_INVALID', `config file ${file} does not exist`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GamepipeError('CONFIG_INVALID', `config file ${file} is not valid JSON`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GamepipeError('CONFIG_INVALID', `config file ${file} must hold a JSON object`);
  }
  const known = new Set(configFields.map((f) => f.key as string));
  const unknown = Object.keys(parsed).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new GamepipeError('CONFIG_INVALID', `config file ${file} has unknown keys: ${unknown.join(', ')}`, {
      hint: `known keys: ${[...known].join(', ')}`,
    });
  }
  return parsed as Record<string, unknown>;
}

/** Resolves every setting: flag, then environment, then config file, then default. */
export function loadConfig(sources: ConfigSources): Config {
  const file = readConfigFile(sources.configFile ?? sources.env.GAMEPIPE_CONFIG);
  const config: Record<string, unknown> = {};
  for (const field of configFields) {
    const fromFile = file[field.key];
    const raw =
      sources.flags[field.key] ??
      sources.env[field.env] ??
      (fromFile === undefined ? undefined : Array.isArray(fromFile) ? fromFile.join(',') : String(fromFile));
    config[field.key] = raw === undefined ? field.defaultValue : field.parse(raw);
  }
  return config as unknown as Config;
}
