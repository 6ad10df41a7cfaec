import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, type TestContext } from 'node:test';

const CLUSTER_SH = fileURLToPath(new URL('../../../test/services/kafka-cluster.sh', import.meta.url));

export interface KafkaCluster {
  /** The bootstrap list, `127.0.0.1:9192,…`. */
  brokers: string;
  /** The node id leading `partition` of `topic`. */
  leader(topic: string, partition?: number): number;
  /** SIGKILLs the node leading `partition` of `topic`; returns its node id. */
  killLeader(topic: string, partition?: number): number;
  /** SIGTERMs node `n` (1..3), as an operator stopping it. */
  stopNode(n: number): void;
  /** Starts node `n` again on its storage and waits until it serves. */
  startNode(n: number): void;
}

function run(args: string[]): string {
  const result = spawnSync('bash', [CLUSTER_SH, ...args], { encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`kafka-cluster.sh ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result.stdout.trim();
}

/**
 * The three-broker test cluster (test/services/kafka-cluster.sh: replication factor 3,
 * min.insync.replicas=2). One already running (CI starts it) is used and every node this test
 * stopped is started again when the file ends; otherwise the test starts the cluster and stops it
 * at the end, even on failure. Without kcat (the tests read the topic with it) or Java, it skips,
 * or fails under CI.
 */
export function kafkaCluster(t: TestContext): KafkaCluster | null {
  const missing = ['kcat', 'java'].filter((tool) => spawnSync('which', [tool]).status !== 0);
  if (missing.length > 0) {
    const message = `the Kafka cluster tests need ${missing.join(' and ')}`;
    if (process.env.CI) throw new Error(message);
    t.skip(message);
    return null;
  }
  const shared = spawnSync('bash', [CLUSTER_SH, 'status']).status === 0;
  const touched = new Set<number>();
  after(() => {
    if (!shared) run(['stop']);
    else for (const n of touched) run(['start-node', String(n)]);
  });
  if (!shared) run(['start']);
  return {
    brokers: run(['brokers']),
    leader: (topic, partition = 0) => Number(run(['leader', topic, String(partition)])),
    killLeader: (topic, partition = 0) => {
      const id = Number(run(['kill-leader', topic, String(partition)]));
      touched.add(id);
      return id;
    },
    stopNode: (n) => {
      touched.add(n);
      run(['stop-node', String(n)]);
    },
    startNode: (n) => run(['start-node', String(n)]),
  };
}

/** Every record value of a topic, read from the beginning to the end of each partition with kcat. */
export function topicValues(brokers: string, topic: string): string[] {
  const read = spawnSync('kcat', ['-C', '-b', brokers, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\\n'], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (read.status !== 0) throw new Error(`kcat could not read ${topic}: ${read.stderr}`);
  return read.stdout.split('\n').filter((line) => line.length > 0);
}

/** Event ids found more than once among a topic's record values. */
export function duplicateEventIds(values: string[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const value of values) {
    const id = (JSON.parse(value) as { event_id: string }).event_id;
    if (seen.has(id)) twice.push(id);
    seen.add(id);
  }
  return twice;
}
