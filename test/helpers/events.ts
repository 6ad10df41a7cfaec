import { eventBuilders } from '../../src/events/event-builders.js';

const items = ['sword', 'potion', 'shield'] as const;

/** A valid event of the i-th kind in a repeating buy, buy, buy, join, login mix, built as the server builds events (fields in schema order). */
export function sampleEvent(i: number): Record<string, unknown> {
  const base = {
    event_ts: Date.now(),
    accept: '*/*',
    host: 'user1.comcast.com',
    user_agent: 'test',
    username: `user${i % 7}`,
  };
  switch (i % 5) {
    case 3:
      return eventBuilders.join_guild({ ...base, guild_name: `guild${i % 4}`, previous_guild: null });
    case 4:
      return eventBuilders.login(base);
    default:
      return eventBuilders.buy_item({
        ...base,
        item_type: items[i % 3]!,
        item_category: 'weapon',
        item_quality: 'common',
        quantity: 1,
        price: 10,
        total_price: 10,
        item_count: i,
        inventory_count: i,
      });
  }
}

export const sampleRecords = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => {
    const event = sampleEvent(from + i);
    return { key: event.username as string, value: JSON.stringify(event) };
  });
