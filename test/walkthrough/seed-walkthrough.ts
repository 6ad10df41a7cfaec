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
  const line = readFileSync(jar, 'utf8').split('\n').find((l) => l.includes('\tsession_id\t'));
  if (!line) throw new Error(`no session_id in cookie jar ${jar}`);
  return line.split('\t')[6]!;
}

/** Parses `ab` output into the figures the seed's walkthrough shows. */
export function abSummary(output: string): { complete: number; failed: number; non2xx: number } {
  const figure = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? 0);
  return { complete: figure('Complete requests'), failed: figure('Failed requests'), non2xx: figure('Non-2xx responses') };
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
        const ab = abSummary(sh(`ab -n 2 -C "session_id=${session}" -H "Host: ${username}.comcast.com" ${baseUrl}/buy/${item}`));
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
    const events = tail.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    return { events, baseUrl, cookieJar: jar };
  } finally {
    assert.equal(await server.stop(), 0, `serve did not stop cleanly: ${server.output()}`);
  }
}

/** What the seed's kafkacat read-back showed, checked on events read by any client. */
export function assertSeedEvents(events: Record<string, unknown>[], username: string): void {
  const mine = events.filter((e) => e.username === username);
  const buys = mine.filter((e) => e.event_type === 'buy_item');
  const seedBuys = buys.filter((e) => e.host === `${username}.comcast.com`);
  assert.equal(seedBuys.length, 18, 'three rounds of 2 x 3 items');
  for (const item of ['sword', 'potion', 'shield']) assert.equal(seedBuys.filter((e) => e.item_type === item).length, 6);
  assert.ok(seedBuys.every((e) => e.user_agent === 'ApacheBench/2.3' && e.accept === '*/*'));
  assert.equal(buys.filter((e) => e.item_type === 'arrows').length, 1000);
  assert.equal(buys.filter((e) => e.item_type === 'laser').length, 0, 'a refused purchase is no event');
  assert.deepEqual(mine.filter((e) => e.event_type === 'join_guild').map((e) => e.guild_name), ['knights']);
  assert.equal(mine.filter((e) => e.event_type === 'signup').length, 1);
  const ids = new Set(mine.map((e) => e.event_id));
  assert.equal(ids.size, mine.length, 'event ids are unique');
  const text = JSON.stringify(mine);
  assert.equal(/pw1|session_id|cookie|password/i.test(text), false, 'no secret in any event');
}
