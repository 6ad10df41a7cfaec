import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir } from './bench-process.js';

/**
 * The seed's own Flask game API (`game_api.py`, listed in the write-up gamepipe was created from,
 * ../shared/seed/), run as its walkthrough runs it (`flask run`, Flask's threaded server) on the same
 * Redis and Kafka as gamepipe, so the two are measured side by side. The listing is taken from the
 * write-up as it is; only what points at the seed's docker-compose hosts is changed: the Kafka and
 * Redis addresses, a Redis database and a topic of the bench's own, and `decode_responses=True`
 * (the listing was written for Python 2, where Redis answers str; on Python 3 it answers bytes,
 * which its json.dumps of the buy event refuses, so every purchase would answer 500).
 * It needs Flask, redis-py and kafka-python (Debian: python3-flask python3-redis python3-kafka).
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SEED_FILE = /^000_.*\.txt$/;

export interface SeedOptions {
  redisHost: string;
  redisPort: number;
  redisDb: number;
  brokers: string;
  topic: string;
}

export interface SeedApp {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The seed write-up: GAMEPIPE_SEED_DIR, else shared/seed beside the repository (or beside its worktree folder). */
function seedWriteUp(): string {
  const dirs = [
    process.env.GAMEPIPE_SEED_DIR,
    resolve(REPO, '../shared/seed'),
    resolve(REPO, '../../shared/seed'),
  ].filter((d): d is string => d !== undefined);
  for (const dir of dirs) {
    const file = existsSync(dir) ? readdirSync(dir).find((f) => SEED_FILE.test(f)) : undefined;
    if (file) return join(dir, file);
  }
  throw new Error(`the seed write-up is not in ${dirs.join(' nor ')} (set GAMEPIPE_SEED_DIR)`);
}

/** The listing of game_api.py in the write-up, unindented, pointed at the bench's Redis and Kafka. */
export function seedGameApi(options: SeedOptions): string {
  const text = readFileSync(seedWriteUp(), 'utf8');
  const listing = /\n {2}\* game_api\.py\n([\s\S]*?)\n {2}\* stream_buy_events\.py/.exec(text)?.[1];
  if (listing === undefined) throw new Error('the seed write-up has no game_api.py listing');
  const source = listing.replace(/^ {8}/gm, '');
  const replaced = source
    .replace("bootstrap_servers='kafka:29092'", `bootstrap_servers='${options.brokers}'`)
    .replace(
      "redis.Redis(host='redis', port='6379')",
      `redis.Redis(host='${options.redisHost}', port=${options.redisPort}, db=${options.redisDb}, decode_responses=True)`,
    )
    .replaceAll("log_to_kafka('events',", `log_to_kafka('${options.topic}',`);
  if (
    !replaced.includes(options.brokers) ||
    !replaced.includes('decode_responses') ||
    !replaced.includes(options.topic)
  )
    throw new Error('the seed listing no longer names its Kafka and Redis hosts as expected');
  return replaced;
}

/** A Python 3 with Flask, redis-py and kafka-python, or why there is none. */
export function seedPython(): string {
  const candidates = [process.env.GAMEPIPE_SEED_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (p): p is string => p !== undefined,
  );
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import flask, redis, kafka'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  throw new Error(
    'no python3 with flask, redis and kafka-python (Debian: apt-get install python3-flask python3-redis python3-kafka)',
  );
}

/** Starts the seed's app with `flask run` on `port`; resolves once it answers. */
export async function startSeedApp(options: SeedOptions, port: number): Promise<SeedApp> {
  const python = seedPython();
  const dir = benchDir('seed');
  writeFileSync(join(dir, 'game_api.py'), seedGameApi(options));
  const child = spawn(python, ['-m', 'flask', 'run', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: dir,
    env: { ...process.env, FLASK_APP: 'game_api.py' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  for (let deadline = Date.now() + 30_000; ; ) {
    if (child.exitCode !== null) throw new Error(`the seed's flask app exited ${child.exitCode}: ${stderr}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the seed's flask app did not answer within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** Signs `count` players up on the seed's app; each one's cookie header (`session_id=…`). */
export async function seedPlayers(url: string, prefix: string, count: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await fetch(`${url}/signup?username=${prefix}${i}&password=pw${i}`);
    const cookie = answer.headers.getSetCookie()[0]?.split(';')[0];
    if (!answer.ok || cookie === undefined) throw new Error(`seed signup answered ${answer.status}`);
    cookies.push(cookie);
  }
  return cookies;
}
