import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** What is known of the request that produced an event. */
export interface EventRequest {
  /** The route that emits this event type, with the event's own values: `/buy/sword`. */
  route: string | null;
  /** When the server accepted it: the event's event_ts, or the time in its UUIDv7 id when the event is not in the log. */
  acceptedAt: string;
  /** The HTTP status answered, from the server's request log when given; null when unknown. */
  status: number | null;
}

/** The route each event type comes from (src/server/routes/), filled with the event's values. */
export function routeOf(event: Record<string, unknown>): string | null {
  switch (event.event_type) {
    case 'signup':
      return '/signup';
    case 'login':
      return '/login';
    case 'buy_item':
      return `/buy/${String(event.item_type)}`;
    case 'join_guild':
      return `/join_guild/${String(event.guild_name)}`;
    case 'default':
      return '/';
    default:
      return null;
  }
}

/** The creation time a UUIDv7 carries in its first 48 bits. */
export const uuidV7Time = (id: string): number => parseInt(id.replaceAll('-', '').slice(0, 12), 16);

/** The status of the request whose log line names this event id (`"event_id":"…"`), from the server's JSON log; null when none does. */
export async function statusFromServerLog(file: string, eventId: string): Promise<number | null> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.includes(eventId)) continue;
    try {
      const entry = JSON.parse(line) as { event_id?: unknown; status?: unknown };
      if (entry.event_id === eventId && typeof entry.status === 'number') {
        lines.close();
        return entry.status;
      }
    } catch {
      // not a JSON line: not one of the server's
    }
  }
  return null;
}
