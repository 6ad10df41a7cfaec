import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { committedFiles } from '../../src/lake/lake-files.js';
import { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import type { LoadSummary } from '../../src/load/load-summary.js';
import type { PipelineStatus } from '../../src/status/collect-status.js';
import { GAMEPIPE_BIN, gamepipe, gamepipeInBackground, type Background } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { createTestNetwork, type TestNetwork } from '../helpers/netns.js';
import { tempDir } from '../helpers/temp-dir.js';

const KAFKA_SCRIPT = fileURLToPath(new URL('../../../test/services/kafka.sh', import.meta.url));
const KAFKA_PORT = 9292;
const REDIS_PORT = 6390;
const PARTITIONS = 6;

/** Whether this machine lets the test build network namespaces (root, iproute2). Under CI it must. */
function namespacesUsable(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = spawnSync('ip', ['netns', 'list']);
  return probe.status === 0 ? null : `ip netns does not work here: ${probe.stderr}`;
}

/**
 * Issue 13's multi-host run on one machine: Redis and Kafka on one host, two game servers and
 * three stream writers on others, all over a virtual network of their own. Load goes to both
 * servers; one writer is SIGKILLed mid-run and a new one joins later. At the end the lake holds
 * exactly what the servers accepted, and each partition's committed offsets are contiguous.
 */
describe('several servers and writers on separate hosts (network namespaces)', { timeout: 600_000 }, () => {
  const why = namespacesUsable();
  if (why && !process.env.CI) {
    it.skip(why);
    return;
  }
  const dir = tempDir();
  const lake = join(dir, 'lake');
  let network: TestNetwork;
  const running: Background[] = [];
  let brokers = '';
  let redisUrl = '';
  const kafkaEnv = () => ({
    ...process.env,
    GAMEPIPE_TEST_KAFKA_HOST: network.hosts.data!.ip,
    GAMEPIPE_TEST_KAFKA_PORT: String(KAFKA_PORT),
  });

  before(() => {
    if (why) throw new Error(why);
    network = createTestNetwork('gpscl', ['data', 'srv1', 'srv2', 'w1', 'w2', 'w3', 'w4', 'client']);
    const data = network.hosts.data!;
    brokers = `${data.ip}:${KAFKA_PORT}`;
    redisUrl = `redis://${data.ip}:${REDIS_PORT}`;
    const redis = spawnSync('ip', [
      'netns',
      'exec',
      data.namespace,
      'redis-server',
      '--port',
      String(REDIS_PORT),
      '--bind',
      data.ip,
      '--protected-mode',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--pidfile',
      join(dir, 'redis.pid'),
    ]);
    assert.equal(redis.status, 0, `redis-server: ${redis.stderr}`);
    const kafka = spawnSync('ip', ['netns', 'exec', data.namespace, KAFKA_SCRIPT, 'start'], {
      env: kafkaEnv(),
      encoding: 'utf8',
      timeout: 180_000,
    });
    assert.equal(kafka.status, 0, `kafka: ${kafka.stdout}${kafka.stderr}`);
  });

  after(async () => {
    for (const process of running) await process.stop('SIGKILL').catch(() => undefined);
    spawnSync(KAFKA_SCRIPT, ['stop'], { env: kafkaEnv() });
    network?.remove(); // kills what is left inside, redis-server included
  });

  const cluster = () => ['--kafka-brokers', brokers, '--redis-url', redisUrl];

  /** Runs `gamepipe <args>` on a host to its end, without blocking the event loop; resolves with its exit code and what it printed on stderr. */
  function runToEnd(args: string[], netns: string): Promise<{ code: number | null; stderr: string }> {
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, GAMEPIPE_BIN, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    running.push({ child, output: () => stderr, stop: async (signal) => (child.kill(signal), null) });
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  }

  async function startWriter(host: string): Promise<Background> {
    const writer = await gamepipeInBackground(
      ['stream', 'buy', '--kafka-brokers', brokers, '--lake', lake, '--data-dir', join(dir, host)],
      'started',
      { netns: network.hosts[host]!.namespace },
    );
    running.push(writer);
    return writer;
  }

  it('lands every accepted purchase exactly once while a writer dies and another joins', async () => {
    const created = gamepipe(['topic', 'create', '--partitions', String(PARTITIONS), '--kafka-brokers', brokers], {
      netns: network.hosts.client!.namespace,
    });
    assert.equal(created.status, 0, created.stderr);
    const servers: string[] = [];
    for (const host of ['srv1', 'srv2']) {
      // The load's 80 players sign up from one address: the per-address signup limit is raised for it.
      const server = await gamepipeInBackground(
        [
          'serve',
          ...cluster(),
          '--host',
          network.hosts[host]!.ip,
          '--port',
          '5000',
          '--signup-limit',
          '1000',
          '--data-dir',
          join(dir, host),
        ],
        'listening on',
        { netns: network.hosts[host]!.namespace },
      );
      running.push(server);
      servers.push(`http://${network.hosts[host]!.ip}:5000`);
    }
    const [w1] = [await startWriter('w1'), await startWriter('w2'), await startWriter('w3')];

    // A player signed up on one server is logged in on the other: sessions live in the shared Redis.
    const client = network.hosts.client!.namespace;
    // (behind a load balancer both answer to one name; here the cookie is carried over by hand)
    const curl = (args: string[]) =>
      spawnSync('ip', ['netns', 'exec', client, 'curl', '-s', ...args], { encoding: 'utf8' });
    assert.equal(
      curl(['-c', join(dir, 'jar'), `${servers[0]}/signup?username=wanderer&password=pw-wanderer`]).status,
      0,
    );
    const session = /session_id\s+(\S+)/.exec(readFileSync(join(dir, 'jar'), 'utf8'))?.[1];
    assert.ok(session, 'the signup set a session cookie');
    assert.match(curl(['-b', `session_id=${session}`, `${servers[1]}/buy/sword`]).stdout, /Bought a sword/);

    const loads = servers.map((url, i) =>
      runToEnd(
        [
          'load',
          '--url',
          url,
          '--players',
          '40',
          '--player-prefix',
          `s${i + 1}p`,
          '--mix',
          'buy=100',
          '--duration',
          '12s',
          '--connections',
          '8',
          '--seed',
          String(i + 1),
          '--out',
          join(dir, `run${i + 1}.json`),
        ],
        client,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await w1.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await startWriter('w4');
    for (const { code, stderr } of await Promise.all(loads)) assert.equal(code, 0, `a load run failed: ${stderr}`);
    const summaries = servers.map(
      (_, i) => JSON.parse(readFileSync(join(dir, `run${i + 1}.json`), 'utf8')) as LoadSummary,
    );
    const accepted = 1 + summaries.reduce((sum, s) => sum + (s.accepted.events.buy_item ?? 0), 0);
    assert.ok(accepted > 500, `the servers accepted ${accepted} purchases`);
    assert.ok(
      summaries.every((s) => s.unanswered === 0),
      'every request was answered',
    );

    const status = (): PipelineStatus => {
      const result = gamepipe(
        ['status', '--json', '--kafka-brokers', brokers, '--lake', lake, '--data-dir', join(dir, 'client')],
        { netns: client },
      );
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout) as PipelineStatus;
    };
    const buyWriters = () => status().writers.find((w) => w.owner === 'buy')!;
    assert.ok(
      await eventually(() => buyWriters().lag === 0, 90_000, 1000),
      `the writers caught up: ${JSON.stringify(buyWriters())}`,
    );
    const buy = buyWriters();
    assert.equal(buy.partitions.length, PARTITIONS);
    const holders = new Set(buy.partitions.map((p) => p.heldBy));
    assert.ok(!holders.has(null), 'every partition is held by a live writer');
    assert.equal(holders.size, 3, `the three live writers share the partitions: ${[...holders].join(' | ')}`);

    const storage = new LocalLakeStorage(lake);
    const files = await committedFiles(storage, 'events_buy');
    // Committed ranges never overlap (offsets between files hold other events: signups, or nothing for this table).
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const ranges = files.filter((f) => f.partition === partition).sort((a, b) => a.firstOffset - b.firstOffset);
      assert.ok(ranges.length > 0, `partition ${partition} has files`);
      for (const [i, file] of ranges.entries())
        assert.ok(
          i === 0 || file.firstOffset > ranges[i - 1]!.lastOffset,
          `partition ${partition}: ${file.path} overlaps ${ranges[i - 1]?.path}`,
        );
    }
    assert.ok(
      buy.partitions.every((p) => p.position === p.end),
      'every partition is committed up to its end',
    );
    const query = (sql: string) =>
      gamepipe(['query', sql, '--format', 'csv', '--lake', lake, '--data-dir', join(dir, 'client')]);
    assert.equal(gamepipe(['tables', 'create', 'buy', '--lake', lake, '--data-dir', join(dir, 'client')]).status, 0);
    const counted = query('select count(*), count(distinct event_id) from events_buy');
    assert.equal(counted.status, 0, counted.stderr);
    assert.equal(
      counted.stdout.trim().split('\n')[1],
      `${accepted},${accepted}`,
      'each accepted purchase is in the lake once',
    );
    const verified = gamepipe(
      ['verify', '--kafka-brokers', brokers, '--lake', lake, '--data-dir', join(dir, 'client')],
      { netns: client },
    );
    assert.equal(verified.status, 0, `gamepipe verify found discrepancies:\n${verified.stdout}${verified.stderr}`);
    // The record key is the player: one player's events stay in order in one partition.
    const spread = query(
      'select count(*) from (select username from events_buy group by 1 having count(distinct log_partition) > 1)',
    );
    assert.equal(spread.stdout.trim().split('\n')[1], '0', "no player's purchases are spread over partitions");
    const used = query('select count(distinct log_partition) from events_buy');
    assert.equal(used.stdout.trim().split('\n')[1], String(PARTITIONS), 'the players spread over every partition');
  });
});
