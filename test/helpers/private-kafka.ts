import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, type TestContext } from 'node:test';
import { tempDir } from './temp-dir.js';

const KAFKA_SH = fileURLToPath(new URL('../../../test/services/kafka.sh', import.meta.url));

export interface PrivateKafka {
  /** Where clients connect: the advertised port. */
  brokers: string;
  /** Stops the broker as an operator would (SIGTERM, then KILL after 30 s). */
  stop(): void;
  /** Starts it again on the storage `stop` left. */
  resume(): void;
}

/**
 * A Kafka broker of this test alone (test/services/kafka.sh on its own ports and data dir), so the
 * test may stop it: the shared broker on 9092 is never touched. Stopped and removed when the test
 * file ends. Needs the broker jars the shared broker's start resolved; under CI their absence fails.
 * With `advertisedPort`, the broker tells clients to connect there (where the test puts a proxy).
 */
export function privateKafka(t: TestContext, port: number, { advertisedPort = port } = {}): PrivateKafka | null {
  const dir = tempDir('gamepipe-kafka-');
  const env = {
    ...process.env,
    GAMEPIPE_TEST_KAFKA_PORT: String(port),
    GAMEPIPE_TEST_KAFKA_ADVERTISED_PORT: String(advertisedPort),
    GAMEPIPE_TEST_KAFKA_DIR: dir,
  };
  const run = (command: 'start' | 'resume' | 'stop') => {
    const result = spawnSync('bash', [KAFKA_SH, command], { env, encoding: 'utf8', timeout: 180_000 });
    if (result.status !== 0) throw new Error(`kafka.sh ${command} on port ${port}: ${result.stdout}${result.stderr}`);
  };
  const libs = `${process.env.GAMEPIPE_TEST_SERVICES_DIR ?? '/tmp/gamepipe-services'}/kafka-libs/.complete`;
  if (!existsSync(libs)) {
    const message = `the Kafka jars are not resolved (${libs}); run test/services/kafka.sh start once`;
    if (process.env.CI) throw new Error(message);
    t.skip(message);
    return null;
  }
  after(() => {
    if (existsSync(`${dir}/pid`)) spawnSync('kill', ['-9', readFileSync(`${dir}/pid`, 'utf8').trim()]);
  });
  run('start');
  return { brokers: `127.0.0.1:${advertisedPort}`, stop: () => run('stop'), resume: () => run('resume') };
}
