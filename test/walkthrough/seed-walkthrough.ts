import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gamepipe, gamepipeInBackground, sh } from '../helpers/cli.js';

export interface WalkthroughResult {
  events: Record<string, unknown>[];
  baseUrl: string;
  cookieJar: string;
}

/** The session id curl saved in its cookie jar (HttpOnly cookies are saved with a #HttpOnly_ prefix). */
export function sessionFromJar(jar: string): string {
  const line = readFileSync(jar, 'utf8')
    .split('\n')
    .find((l) => l.includes('\tsession_id\t'));
  if (!line) throw new Error(`no session_id in cookie jar ${jar}`);
  return line.split('\t')[6]!;
}

/** Parses `ab` output into the figures the seed's walkthrough shows. */
export function abSummary(output: string): { complete: number; failed: number; non2xx: number } {
  const figure = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? 0);
  return {
    complete: figure('Complete requests'),
    failed: figure('Failed requests'),
    non2xx: figure('Non-2xx responses'),
  };
}

/**
 * The seed's walkthrough against `gamepipe serve` with the given back-end flags: cookie-jar signup,
 * three rounds of `ab` buys with the spoofed cookie and Host header, an unknown item, a guild, a
 * burst of 1,000 concurrent purchases, then the events read back with `gamepipe events tail`.
 */
export async function runSeedWalkthrough(cwd: string, flags: string[], username: string): Promise<WalkthroughResult> {
  const server = await gamepipeInBackground(['serve', '--port', '0', ...flags], 'listening on', { cwd });
  try {
    const baseUrl = /listening on (\S+)/.exec(server.output())![1]!;
    const jar = join(cwd, 'cookies');
    const signup = sh(`curl -s -c ${jar} -b ${jar} '${baseUrl}/signup?username=${username}&password=pw1'`);
    assert.equal(signup, `Signup successful! Welcome ${username}.\n`);
    const session = sessionFromJar(jar);

    for (let round = 0; round < 3; round++) {
      for (const item of ['sword', 'potion', 'shield']) {
        const ab = abSummary(
          sh(`ab -n 2 -C "session_id=${session}" -H "Host: ${username}.comcast.com" ${baseUrl}/buy/${item}`),
        );
        assert.deepEqual(ab, { complete: 2, failed: 0, non2xx: 0 }, `ab round ${round} ${item}`);
      }
    }
    assert.equal(sh(`curl -s -o /dev/null -w '%{http_code}' -b ${jar} ${baseUrl}/buy/laser`), '404');
    assert.equal(sh(`curl -s -b ${jar} ${baseUrl}/join_guild/knights`), 'Joined a Guild!\n');

    const burst = abSummary(sh(`ab -n 1000 -c 50 -C "session_id=${session}" ${baseUrl}/buy/arrows`));
    assert.deepEqual(burst, { complete: 1000, failed: 0, non2xx: 0 });
    const arrows = JSON.parse(sh(`curl -s -b ${jar} '${baseUrl}/inventory?item_type=arrows'`)) as { total: number };
    assert.equal(arrows.total, 1000, '1,000 concurrent purchases leave exactly 1,000 items');

    const tail = gamepipe(['events', 'tail', '--from-beginning', '--exit', ...flags], { cwd });
    assert.equal(tail.status, 0, tail.stderr);
    const events = tail.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { events, baseUrl, cookieJar: jar };
  } finally {
    assert.equal(await server.stop(), 0, `serve did not stop cleanly: ${server.output()}`);
  }
}

/**
 * The second half of the seed's walkthrough: the stream writers land the events, the tables are
 * created, and SQL counts them as the seed's Presto session did.
 */
export function assertSqlMatchesEvents(cwd: string, flags: string[], events: Record<string, unknown>[]): void {
  const run = (args: string[]) => {
    const result = gamepipe([...args, ...flags], { cwd });
    assert.equal(result.status, 0, `gamepipe ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  run(['stream', 'all', '--once']);
  run(['tables', 'create', 'all']);
  const swords = events.filter((e) => e.event_type === 'buy_item' && e.item_type === 'sword').length;
  const count = run(['query', "select count(*) from events_buy where item_type = 'sword'", '--format', 'csv']);
  assert.equal(count, `count_star()\n${swords}\n`);
  assert.match(run(['query', 'show tables']), /events_buy[\s\S]*events_guild[\s\S]*events_user/);
  const describe = run(['query', 'describe events_buy', '--format', 'csv']);
  for (const column of [
    'raw_event,VARCHAR',
    'timestamp,TIMESTAMP',
    'item_type,VARCHAR',
    'quantity,INTEGER',
    'price,DOUBLE',
    'item_count,BIGINT',
    'event_ts,TIMESTAMP',
  ]) {
    assert.ok(describe.includes(column), `describe events_buy shows ${column}`);
  }
  const guilds = run(['query', 'select username, guild_name from events_guild', '--format', 'json'])
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    guilds,
    events
      .filter((e) => e.event_type === 'join_guild')
      .map((e) => ({ username: e.username, guild_name: e.guild_name })),
  );
}

/** What the seed's kafkacat read-back showed, checked on events read by any client. */
export function assertSeedEvents(events: Record<string, unknown>[], username: string): void {
  const mine = events.filter((e) => e.username === username);
  const buys = mine.filter((e) => e.event_type === 'buy_item');
  const seedBuys = buys.filter((e) => e.host === `${username}.comcast.com`);
  assert.equal(seedBuys.length, 18, 'three rounds of 2 x 3 items');
  for (const item of ['sword', 'potion', 'shield'])
    assert.equal(seedBuys.filter((e) => e.item_type === item).length, 6);
  assert.ok(seedBuys.every((e) => e.user_agent === 'ApacheBench/2.3' && e.accept === '*/*'));
  assert.equal(buys.filter((e) => e.item_type === 'arrows').length, 1000);
  assert.equal(buys.filter((e) => e.item_type === 'laser').length, 0, 'a refused purchase is no event');
  assert.deepEqual(
    mine.filter((e) => e.event_type === 'join_guild').map((e) => e.guild_name),
    ['knights'],
  );
  assert.equal(mine.filter((e) => e.event_type === 'signup').length, 1);
  const ids = new Set(mine.map((e) => e.event_id));
  assert.equal(ids.size, mine.length, 'event ids are unique');
  const text = JSON.stringify(mine);
  assert.equal(/pw1|session_id|cookie|password/i.test(text), false, 'no secret in any event');
}
