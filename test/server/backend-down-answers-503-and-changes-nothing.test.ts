import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, it } from 'node:test';
import { GAMEPIPE_BIN, gamepipe, gamepipeInBackground, sh } from '../helpers/cli.js';
import { REDIS_URL, requireKafka, requireRedis } from '../helpers/services.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

const KAFKA_SCRIPT = join(dirname(GAMEPIPE_BIN), '..', 'test', 'services', 'kafka.sh');
const OUTAGE_BROKER_PORT = 9390; // not 9192 to 9194 (the three-broker cluster) nor 9292 to 9294 (its controllers)
const OUTAGE_REDIS_PORT = 6391;

const status = (url: string, jar: string) => sh(`curl -s -o /dev/null -w '%{http_code}' -b ${jar} ${url}`);

it('with the Kafka broker down a purchase answers 503 and changes nothing; when it is back purchases flow again, each logged once', async (t) => {
  if (!(await requireRedis(t)) || !(await requireKafka(t))) return;
  const broker = (command: string) =>
    sh(`GAMEPIPE_TEST_KAFKA_PORT=${OUTAGE_BROKER_PORT} bash ${KAFKA_SCRIPT} ${command}`);
  broker('start');
  after(() => broker('stop'));
  const cwd = tempDir();
  const flags = [
    '--redis-url',
    REDIS_URL,
    '--kafka-brokers',
    `127.0.0.1:${OUTAGE_BROKER_PORT}`,
    '--topic',
    uniqueName('gp-outage'),
  ];
  const server = await gamepipeInBackground(['serve', '--port', '0', ...flags], 'listening on', { cwd });
  const url = /listening on (\S+)/.exec(server.output())![1]!;
  const jar = join(cwd, 'cookies');
  const player = uniqueName('p').replace(/[^A-Za-z0-9_.-]/g, '');
  sh(`curl -s -c ${jar} -b ${jar} '${url}/signup?username=${player}&password=pw1'`);
  assert.equal(status(`${url}/buy/sword`, jar), '200');

  broker('stop');
  const refused = sh(`curl -s -w ' %{http_code}' -b ${jar} ${url}/buy/sword`);
  assert.match(
    refused,
    /^Service unavailable: Kafka at 127\.0\.0\.1:9390 is not reachable; nothing was changed, try again\.\n 503$/,
  );
  assert.equal(status(`${url}/healthz`, jar), '503');
  assert.equal(
    (JSON.parse(sh(`curl -s -b ${jar} ${url}/inventory`)) as { total: number }).total,
    1,
    'the refused purchase left no item',
  );

  broker('resume');
  assert.ok(
    await eventually(() => status(`${url}/buy/sword`, jar) === '200', 60_000, 500),
    'purchases are accepted again once Kafka is back',
  );
  assert.equal(await server.stop(), 0);
  const inventory = await gamepipeInBackground(['serve', '--port', '0', ...flags], 'listening on', { cwd });
  const items = (
    JSON.parse(sh(`curl -s -b ${jar} ${/listening on (\S+)/.exec(inventory.output())![1]!}/inventory`)) as {
      total: number;
    }
  ).total;
  await inventory.stop();

  const tail = gamepipe(['events', 'tail', '--from-beginning', '--exit', '--type', 'buy_item', ...flags], { cwd });
  assert.equal(tail.status, 0, tail.stderr);
  const buys = tail.stdout.trim().split('\n').filter(Boolean);
  assert.equal(buys.length, items, 'one event for each item held: none for the refused purchase, none twice');
});

it('with Redis down a request answers 503 with one line and logs no event', async (t) => {
  if (!(await requireRedis(t))) return;
  sh(`redis-server --port ${OUTAGE_REDIS_PORT} --bind 127.0.0.1 --save '' --appendonly no --daemonize yes`);
  after(() => sh(`redis-cli -p ${OUTAGE_REDIS_PORT} shutdown nosave 2>/dev/null || true`));
  await eventually(() => sh(`redis-cli -p ${OUTAGE_REDIS_PORT} ping || true`).trim() === 'PONG', 10_000, 500);
  const cwd = tempDir();
  const server = await gamepipeInBackground(
    ['serve', '--port', '0', '--redis-url', `redis://127.0.0.1:${OUTAGE_REDIS_PORT}`],
    'listening on',
    { cwd },
  );
  const url = /listening on (\S+)/.exec(server.output())![1]!;
  const jar = join(cwd, 'cookies');
  sh(`curl -s -c ${jar} -b ${jar} '${url}/signup?username=ann&password=pw1'`);
  assert.equal(status(`${url}/buy/sword`, jar), '200');

  sh(`redis-cli -p ${OUTAGE_REDIS_PORT} shutdown nosave || true`);
  const refused = sh(`curl -s -w ' %{http_code}' -b ${jar} ${url}/buy/sword`);
  assert.match(
    refused,
    /^Service unavailable: Redis at redis:\/\/127\.0\.0\.1:6391 is not reachable; nothing was changed, try again\.\n 503$/,
  );
  assert.equal(status(`${url}/healthz`, jar), '503');
  assert.equal(await server.stop(), 0);
  const buys = gamepipe(['events', 'tail', '--from-beginning', '--exit', '--type', 'buy_item'], { cwd })
    .stdout.trim()
    .split('\n');
  assert.equal(buys.length, 1);
});
