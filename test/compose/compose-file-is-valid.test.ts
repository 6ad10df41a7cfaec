import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const read = (path: string) => readFileSync(repo(path), 'utf8');
const COMPOSE_FILE = 'compose/docker-compose.yml';
const CLUSTER_CONFIG = 'compose/gamepipe.cluster.json';

/** The compose file's services, each with the text of its block (two-space indented names under `services:`). */
function serviceBlocks(compose: string): Map<string, string> {
  const services = compose.slice(compose.indexOf('\nservices:\n'), compose.indexOf('\nvolumes:\n'));
  const blocks = new Map<string, string>();
  for (const block of services.split(/\n(?=  [a-z][\w-]*:\n)/).slice(1))
    blocks.set(/^ {2}([\w-]+):/.exec(block)![1]!, block);
  return blocks;
}

function imageOf(block: string): string {
  return /^ {4}image: (\S+)$/m.exec(block)?.[1] ?? '';
}

/** A dependency's version as the test services resolve it from Maven Central. */
function pomVersion(pom: string, artifactId: string): string | undefined {
  return new RegExp(`<artifactId>${artifactId}</artifactId><version>([^<]+)</version>`).exec(read(pom))?.[1];
}

/** The compose commands installed here: Docker's plugin (`docker compose`), the standalone `docker-compose`, or both. */
function composeTools(): string[][] {
  return [['docker', 'compose'], ['docker-compose']].filter(
    (tool) => spawnSync(tool[0]!, [...tool.slice(1), 'version'], { encoding: 'utf8' }).status === 0,
  );
}

describe('compose/', () => {
  it('is a compose file that docker compose (the plugin) and docker-compose (standalone) accept', (t) => {
    const tools = composeTools();
    if (tools.length === 0) {
      const message = 'neither docker compose nor docker-compose is installed (apt-get install -y docker-compose)';
      if (process.env.CI) assert.fail(message);
      t.skip(message);
      return;
    }
    for (const tool of tools) {
      const [command, ...args] = tool;
      const check = spawnSync(command!, [...args, '-f', repo(COMPOSE_FILE), 'config', '-q'], { encoding: 'utf8' });
      assert.equal(check.status, 0, `${tool.join(' ')}: ${check.stderr}`);
    }
  });

  it('runs the versions the tests start without Docker', () => {
    const images = new Map([...serviceBlocks(read(COMPOSE_FILE))].map(([name, block]) => [name, imageOf(block)]));
    assert.equal(images.get('kafka'), `apache/kafka:${pomVersion('test/services/kafka/pom.xml', 'kafka_2.13')}`);
    const hadoop = `apache/hadoop:${pomVersion('test/services/hdfs/pom.xml', 'hadoop-client-minicluster')}`;
    assert.equal(images.get('namenode'), hadoop);
    assert.equal(images.get('datanode'), hadoop);
    const trinoVersion = /^version=(\d+)$/m.exec(read('test/services/trino.sh'))?.[1];
    assert.equal(images.get('trino'), `trinodb/trino:${trinoVersion}`);
    assert.deepEqual(
      [images.get('kafka'), images.get('namenode'), images.get('trino')],
      ['apache/kafka:3.9.1', 'apache/hadoop:3.4.1', 'trinodb/trino:476'],
    );
    assert.equal(images.get('redis'), 'redis:7');
    assert.equal(images.get('hive-metastore'), 'apache/hive:4.0.1');
  });

  it('starts each service once those it needs are healthy', () => {
    const blocks = serviceBlocks(read(COMPOSE_FILE));
    assert.deepEqual([...blocks.keys()].sort(), ['datanode', 'hive-metastore', 'kafka', 'namenode', 'redis', 'trino']);
    for (const [name, block] of blocks) {
      assert.match(block, /\n {4}healthcheck:\n/, `${name} has no health check`);
      const needs = /\n {4}depends_on:\n((?: {6}.*\n?)+)/.exec(block)?.[1] ?? '';
      for (const dependency of needs.match(/^ {6}[\w-]+(?=:)/gm) ?? []) {
        assert.ok(blocks.has(dependency.trim()), `${name} depends on an unknown ${dependency.trim()}`);
      }
      assert.equal(
        (needs.match(/condition: /g) ?? []).length,
        (needs.match(/condition: service_healthy/g) ?? []).length,
        `${name} waits for less than health`,
      );
    }
    assert.match(
      read('compose/trino/catalog/hive.properties'),
      /^hive\.metastore\.uri=thrift:\/\/hive-metastore:9083$/m,
    );
  });

  it('holds the settings that point gamepipe at the stack', () => {
    const settings = JSON.parse(read(CLUSTER_CONFIG)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(settings).sort(), [
      'hdfsUser',
      'kafkaBrokers',
      'lake',
      'redisUrl',
      'trinoUrl',
      'webhdfsUrl',
    ]);
    const config = loadConfig({ flags: {}, env: {}, configFile: repo(CLUSTER_CONFIG) });
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.deepEqual(config.kafkaBrokers, ['127.0.0.1:9092']);
    assert.equal(config.trinoUrl, 'http://127.0.0.1:8080');
    assert.equal(config.webhdfsUrl, 'http://127.0.0.1:9870');
    // The lake is named by the NameNode's hostname: Trino and the metastore resolve table locations in their own containers.
    assert.equal(config.lake, 'hdfs://namenode:8020/lake');
    assert.match(serviceBlocks(read(COMPOSE_FILE)).get('namenode')!, /\n {4}hostname: namenode\n/);
  });
});
