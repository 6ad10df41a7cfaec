import { newEventId } from '../src/events/event-id.js';
import { EmbeddedEventLog } from '../src/eventlog/embedded/embedded-event-log.js';
import type { AppendRecord } from '../src/eventlog/event-log.js';

const ITEMS = ['sword', 'potion', 'shield', 'bow', 'axe', 'helmet', 'ring', 'arrows'];
const QUALITIES = ['common', 'common', 'common', 'uncommon', 'rare', 'epic'];

/** `count` buy events (as the server writes them) from the i-th on, as log records. */
export function buyRecords(from: number, count: number, now = Date.now()): AppendRecord[] {
  const records: AppendRecord[] = [];
  for (let i = from; i < from + count; i++) {
    const username = `player${i % 5000}`;
    const event = {
      event_id: newEventId(),
      event_type: 'buy_item',
      event_ts: now + (i - from),
      accept: '*/*',
      host: `${username}.comcast.com`,
      user_agent: 'bench',
      username,
      item_type: ITEMS[i % ITEMS.length],
      item_category: 'weapon',
      item_quality: QUALITIES[i % QUALITIES.length],
      quantity: 1 + (i % 3),
      price: 10 + (i % 90),
      total_price: (10 + (i % 90)) * (1 + (i % 3)),
      item_count: i,
      inventory_count: i,
    };
    records.push({ key: username, value: JSON.stringify(event) });
  }
  return records;
}

/** Appends `count` buy events (as the server writes them) to the embedded log of `dataDir`. */
export async function fillLog(dataDir: string, count: number): Promise<void> {
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  const now = Date.now();
  for (let start = 0; start < count; start += 20_000)
    await log.append(buyRecords(start, Math.min(20_000, count - start), now + start));
  await log.close();
}
