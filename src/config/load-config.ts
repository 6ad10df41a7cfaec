import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { GamepipeError } from '../errors.js';
import { configFields, type Config } from './config-fields.js';

const DEFAULT_CONFIG_FILE = 'gamepipe.config.json';

export interface ConfigSources {
  /** Values given as command-line flags, by config key. */
  flags: Partial<Record<keyof Config, string>>;
  env: NodeJS.ProcessEnv;
  /**
   * An explicit config file (--config or GAMEPIPE_CONFIG); without it the first present of
   * ./gamepipe.config.json and $XDG_CONFIG_HOME/gamepipe/config.json is read.
   */
  configFile?: string;
}

/**
 * The config files looked for when none is named, the working directory's first: a project's settings
 * win over the user's. The user's is where the XDG base directory spec puts it (~/.config by default).
 */
export function defaultConfigFiles(env: NodeJS.ProcessEnv): string[] {
  // The spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return [resolve(DEFAULT_CONFIG_FILE), join(xdg, 'gamepipe', 'config.json')];
}

function readConfigFile(path: string | undefined, env: NodeJS.ProcessEnv): Record<string, unknown> {
  let file: string;
  if (path !== undefined) {
    file = resolve(path);
    if (!existsSync(file)) throw new GamepipeError('CONFIG_INVALID', `config file ${file} does not exist`);
  } else {
    const found = defaultConfigFiles(env).find((candidate) => existsSync(candidate));
    if (found === undefined) return {};
    file = found;
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
  const file = readConfigFile(sources.configFile ?? sources.env.GAMEPIPE_CONFIG, sources.env);
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
