import assert from 'node:assert/strict';
import { it } from 'node:test';
import { kafkaCluster, topicValues } from '../helpers/kafka-cluster.js';
import { clusterTopic, freePort, serve, sleep } from './fault-pipeline.js';

const UNAVAILABLE = /^Service unavailable: .*nothing was changed, try again\.\n$/;

it('on three brokers with min.insync.replicas=2, two brokers stopped: purchases answer 503 and change nothing; with the brokers back they are served again, each in the topic once', async (t) => {
  const cluster = kafkaCluster(t);
  if (cluster === null) return;
  const { topic, flags } = clusterTopic(cluster.brokers, 'gp-two-down');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await serve(port, flags);
  try {
    const signup = await fetch(`${url}/signup?username=tester&password=pw-tester`);
    assert.equal(signup.status, 200);
    const cookie = signup.headers.getSetCookie()[0]!.split(';')[0]!;
    const get = (path: string) => fetch(`${url}${path}`, { headers: { cookie } });
    let bought = 0;
    const buy = async () => {
      const answer = await get('/buy/sword?quality=rare');
      if (answer.status === 200) bought++;
      return answer;
    };
    assert.equal((await buy()).status, 200);

    cluster.stopNode(2);
    cluster.stopNode(3);
    const inventory = await (await get('/inventory')).json();
    for (let i = 0; i < 3; i++) {
      const answer = await buy();
      assert.equal(answer.status, 503, `purchase ${i + 1} with one broker of three`);
      assert.match(await answer.text(), UNAVAILABLE);
    }
    assert.deepEqual(await (await get('/inventory')).json(), inventory, 'the refused purchases changed no state');

    cluster.startNode(2);
    cluster.startNode(3);
    let served = false;
    for (let deadline = Date.now() + 120_000; !served && Date.now() < deadline; await sleep(500))
      served = (await buy()).status === 200;
    assert.ok(served, 'purchases are served again once the brokers are back');
    const inTopic = topicValues(cluster.brokers, topic)
      .map((v) => JSON.parse(v) as { event_type: string; event_id: string })
      .filter((e) => e.event_type === 'buy_item');
    assert.equal(inTopic.length, bought, 'the topic holds each accepted purchase, and none of the refused ones');
    assert.equal(new Set(inTopic.map((e) => e.event_id)).size, inTopic.length, 'no event_id twice');
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
