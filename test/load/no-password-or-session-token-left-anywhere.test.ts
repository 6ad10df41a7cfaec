import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { freePort, serve, writers } from '../faults/fault-pipeline.js';
import { gamepipe } from '../helpers/cli.js';
import { eventuallyLakeEqualsRun, readRun, writeCombinedRun, type RunTotals } from '../helpers/lake-equals-run.js';
import { kafkaTopicText, scanForSecrets } from '../helpers/secret-scan.js';
import { KAFKA_BROKERS, requireKafka } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const DEBUG = { GAMEPIPE_LOG_LEVEL: 'debug' };

/** Plays signups, logins (one failed), purchases and a load run; returns the secrets used and what was accepted. */
async function playWithSecrets(
  url: string,
  dataDir: string,
): Promise<{ secrets: string[]; runFile: string; loadOutput: string }> {
  const passwords = { own: secret('pw-own'), wrong: secret('pw-wrong'), load: secret('pw-load') };
  const tokens: string[] = [];
  const own: RunTotals = { accepted: { events: {}, items: {}, itemQualities: {}, guilds: {} }, unanswered: 0 };
  const count = (event: string, item?: string) => {
    own.accepted.events[event] = (own.accepted.events[event] ?? 0) + 1;
    if (item) own.accepted.items[item] = (own.accepted.items[item] ?? 0) + 1;
  };
  const enter = async (route: 'signup' | 'login', password: string) => {
    const answer = await fetch(`${url}/${route}?username=ann&password=${password}`);
    const token = answer.headers
      .getSetCookie()
      .map((c) => /^session_id=([^;]+)/.exec(c)?.[1])
      .find(Boolean);
    if (answer.status === 200) count(route);
    if (token) tokens.push(token);
    return answer.status;
  };
  assert.equal(await enter('signup', passwords.own), 200);
  assert.equal(await enter('login', passwords.wrong), 401);
  assert.equal(await enter('login', passwords.own), 200);
  for (const token of tokens) {
    const answer = await fetch(`${url}/buy/sword`, { headers: { cookie: `session_id=${token}` } });
    if (answer.status === 200) count('buy_item', 'sword');
  }
  assert.ok(tokens.length >= 2, 'the server handed out session tokens');
  const runFile = join(dataDir, 'run.json');
  const load = gamepipe([
    'load',
    '--url',
    url,
    '--players',
    '5',
    '--password',
    passwords.load,
    '--requests',
    '200',
    '--connections',
    '4',
    '--seed',
    '61',
    '--out',
    runFile,
  ]);
  assert.equal(load.status, 0, load.stderr);
  const ownFile = join(dataDir, 'own-run.json');
  writeFileSync(ownFile, JSON.stringify(own));
  return {
    secrets: [...Object.values(passwords), ...tokens],
    runFile: writeCombinedRun([ownFile, runFile], join(dataDir, 'all-runs.json')),
    loadOutput: load.stdout + load.stderr,
  };
}

/** The scan finds a planted secret, in a plain file and in a compressed Parquet file: a clean result means something. */
async function assertScanFindsPlanted(secrets: string[]): Promise<void> {
  const scratch = tempDir();
  mkdirSync(join(scratch, 'nested'));
  writeFileSync(join(scratch, 'nested', 'leak.txt'), `user=ann password=${secrets[0]}\n`);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    `copy (select 'session ' || '${secrets.at(-1)}' || repeat('x', 1000) as v) to '${join(scratch, 'leak.parquet')}' (format parquet, compression zstd)`,
  );
  connection.closeSync();
  instance.closeSync();
  const planted = await scanForSecrets(secrets, {
    dirs: [scratch],
    texts: { 'planted output': `token ${secrets[1]}` },
  });
  const where = new Set(planted.findings.map((f) => f.where.replace(scratch, '<scratch>')));
  for (const place of ['<scratch>/leak.parquet (rows)', '<scratch>/nested/leak.txt', 'planted output'])
    assert.ok(where.has(place), `the scan found the secret planted in ${place}`);
}

const logs: { name: string; flags(t: TestContext): Promise<string[] | null> }[] = [
  { name: 'embedded log', flags: async () => [] },
  {
    name: 'Kafka log',
    flags: async (t) =>
      (await requireKafka(t))
        ? ['--kafka-brokers', KAFKA_BROKERS.join(','), '--topic', uniqueName('gp-secrets')]
        : null,
  },
];

for (const log of logs) {
  describe(`no secret anywhere after a run (${log.name})`, () => {
    it('no password or session token used is in the log, the lake, the data dir, run.json or any output', async (t) => {
      const extra = await log.flags(t);
      if (extra === null) return;
      const dataDir = tempDir();
      const flags = ['--data-dir', dataDir, ...extra];
      if (extra.length > 0) assert.equal(gamepipe(['topic', 'create', ...flags]).status, 0);
      const port = await freePort();
      const server = await serve(port, flags, DEBUG);
      const writer = await writers(flags, DEBUG);
      const { secrets, runFile, loadOutput } = await playWithSecrets(`http://127.0.0.1:${port}`, dataDir);
      await eventuallyLakeEqualsRun(runFile, { flags });
      assert.equal(await server.stop(), 0);
      assert.equal(await writer.stop(), 0);

      const texts: Record<string, string> = {
        'server output': server.output(),
        'writer output': writer.output(),
        'load output': loadOutput,
      };
      assert.ok(
        server.output().includes('"route":"/login"'),
        'the server logged requests at debug level: the scan of its output covers them',
      );
      if (extra.length > 0) {
        const accepted = Object.values(readRun(runFile).accepted.events).reduce((n, v) => n + v, 0);
        const records = await kafkaTopicText(KAFKA_BROKERS, extra.at(-1)!, accepted);
        assert.ok(
          records.records >= accepted,
          `the consumer read every accepted event (${records.records} records, ${accepted} accepted)`,
        );
        texts['Kafka records'] = records.text;
      }
      const scan = await scanForSecrets(secrets, { dirs: [dataDir], texts });
      assert.ok(
        scan.filesScanned > 10 && scan.parquetFiles > 0,
        `the scan read the run's files (${scan.filesScanned}, ${scan.parquetFiles} Parquet)`,
      );
      assert.deepEqual(scan.findings, [], 'no secret was found');
      await assertScanFindsPlanted(secrets);
    });
  });
}
