import type { FastifyReply } from 'fastify';

/** The answer header naming the event an action appended: `curl -i` shows it, `gamepipe trace <id>` follows it. */
export const EVENT_ID_HEADER = 'x-event-id';

export const setEventId = (reply: FastifyReply, eventId: string): FastifyReply =>
  reply.header(EVENT_ID_HEADER, eventId);

/** The event id an answer carries, if its action appended one. */
export const eventIdOf = (reply: FastifyReply): string | undefined => {
  const value = reply.getHeader(EVENT_ID_HEADER);
  return typeof value === 'string' ? value : undefined;
};
