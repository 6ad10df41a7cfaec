import { newEventId } from '../../src/events/event-id.js';

const items = ['sword', 'potion', 'shield'] as const;

/** A valid event of the i-th kind in a repeating buy, buy, buy, join, login mix. */
export function sampleEvent(i: number): Record<string, unknown> {
  const base = { event_id: newEventId(), event_ts: Date.now(), accept: '*/*', host: 'user1.comcast.com', user_agent: 'test', username: `user${i % 7}` };
  switch (i % 5) {
    case 3:
      return { ...base, event_type: 'join_guild', guild_name: `guild${i % 4}`, previous_guild: null };
    case 4:
      return { ...base, event_type: 'login' };
    default:
      return {
        ...base,
        event_type: 'buy_item',
        item_type: items[i % 3],
        item_category: 'weapon',
        item_quality: 'common',
        quantity: 1,
        price: 10,
        total_price: 10,
        item_count: i,
        inventory_count: i,
      };
  }
}

export const sampleRecords = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => {
    const event = sampleEvent(from + i);
    return { key: event.username as string, value: JSON.stringify(event) };
  });
