import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { gamepipe } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Writes `settings` as `<dir>/gamepipe/config.json`, the user's config file under an XDG config home. */
function userConfig(configHome: string, settings: Record<string, unknown>): string {
  mkdirSync(join(configHome, 'gamepipe'), { recursive: true });
  const file = join(configHome, 'gamepipe', 'config.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

/** Runs `body` in a fresh working directory (a project without gamepipe.config.json). */
function inProject(body: (project: string) => void): void {
  const startedIn = process.cwd();
  const project = tempDir();
  process.chdir(project);
  try {
    body(project);
  } finally {
    process.chdir(startedIn);
  }
}

describe("the user's config file ($XDG_CONFIG_HOME/gamepipe/config.json)", () => {
  it('is read when the working directory has no gamepipe.config.json', () =>
    inProject(() => {
      const configHome = tempDir();
      userConfig(configHome, { port: 5123, topic: 'from-xdg' });
      const config = loadConfig({ flags: {}, env: { XDG_CONFIG_HOME: configHome } });
      assert.equal(config.port, 5123);
      assert.equal(config.topic, 'from-xdg');
    }));

  it('is ~/.config/gamepipe/config.json when XDG_CONFIG_HOME is unset or not absolute', () =>
    inProject(() => {
      const home = tempDir();
      userConfig(join(home, '.config'), { port: 5124 });
      assert.equal(loadConfig({ flags: {}, env: { HOME: home } }).port, 5124);
      assert.equal(loadConfig({ flags: {}, env: { HOME: home, XDG_CONFIG_HOME: 'relative/dir' } }).port, 5124);
    }));

  it("gives way to the working directory's file, to GAMEPIPE_CONFIG, and to flags and the environment", () =>
    inProject((project) => {
      const configHome = tempDir();
      userConfig(configHome, { port: 5125, topic: 'from-xdg', host: '127.0.0.2' });
      const env = { XDG_CONFIG_HOME: configHome };
      assert.equal(
        loadConfig({ flags: { port: '5126' }, env: { ...env, GAMEPIPE_TOPIC: 'from-env' } }).topic,
        'from-env',
      );
      assert.equal(loadConfig({ flags: { port: '5126' }, env }).port, 5126);
      const named = join(tempDir(), 'named.json');
      writeFileSync(named, JSON.stringify({ port: 5127 }));
      assert.deepEqual(
        [loadConfig({ flags: {}, env: { ...env, GAMEPIPE_CONFIG: named } })].map((c) => [c.port, c.host]),
        [[5127, 'localhost']],
        'a named file replaces the user file, it does not merge with it',
      );
      writeFileSync(join(project, 'gamepipe.config.json'), JSON.stringify({ port: 5128 }));
      assert.deepEqual(
        [loadConfig({ flags: {}, env })].map((c) => [c.port, c.host]),
        [[5128, 'localhost']],
        "the project's file wins over the user's",
      );
    }));

  it('is found by the command line, and a mistake in it is named with its path (exit 2)', () => {
    const project = tempDir();
    const configHome = tempDir();
    const file = userConfig(configHome, { redisURL: 'redis://127.0.0.1:6379' });
    const run = gamepipe(['query', 'select 1'], { cwd: project, env: { XDG_CONFIG_HOME: configHome } });
    assert.equal(run.status, 2, run.stderr);
    assert.ok(run.stderr.startsWith(`gamepipe: config file ${file} has unknown keys: redisURL`), run.stderr);
  });
});
