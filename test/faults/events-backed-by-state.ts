import assert from 'node:assert/strict';
import type { StateStore } from '../../src/state/state-store.js';
import { queryRows } from '../helpers/query-rows.js';

/**
 * Every event the lake's files hold must be backed by the state it describes: the buyer's inventory holds
 * at least as many of that item and quality as the lake has purchases, and every signed-up player
 * exists. Returns how many purchases were checked.
 */
export async function assertEventsBackedByState(store: StateStore, flags: string[]): Promise<number> {
  const bought = queryRows('select username, item_type, item_quality, count(*) from events_buy group by all', {
    flags: [...flags, '--no-log-tail'],
  });
  let checked = 0;
  const inventories = new Map<string, Map<string, number>>();
  for (const [username, item, quality, n] of bought) {
    if (!inventories.has(username!))
      inventories.set(
        username!,
        new Map((await store.inventory(username!)).map((e) => [`${e.itemType}/${e.quality}`, e.count])),
      );
    const held = inventories.get(username!)!.get(`${item}/${quality}`) ?? 0;
    assert.ok(held >= Number(n), `${username} holds ${held} ${quality} ${item} but the lake has ${n} purchases of it`);
    checked += Number(n);
  }
  for (const [username] of queryRows("select username from events_user where event_type = 'signup'", {
    flags: [...flags, '--no-log-tail'],
  })) {
    assert.notEqual(await store.passwordHash(username!), null, `${username} signed up in the lake but has no account`);
  }
  return checked;
}
