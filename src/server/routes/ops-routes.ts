import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GamepipeError } from '../../errors.js';
import type { EventLog } from '../../eventlog/event-log.js';
import type { StateStore } from '../../state/state-store.js';
import type { GameService } from '../game-service.js';
import { requestMeta } from '../request-meta.js';
import type { ServerMetrics } from '../server-metrics.js';

export interface OpsDeps {
  game: GameService;
  store: StateStore;
  log: EventLog;
  metrics: ServerMetrics;
  statusToken: string;
  backends: { state: string; log: string };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function requireToken(request: FastifyRequest, token: string): void {
  const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (given === undefined || !timingSafeEqual(digest(given), digest(token))) {
    throw new GamepipeError('FORBIDDEN', 'Status needs the operator token: send "Authorization: Bearer <token>".', {
      hint: 'the token is in <data-dir>/status-token, or GAMEPIPE_STATUS_TOKEN',
    });
  }
}

async function probe(check: () => Promise<void>): Promise<string> {
  try {
    await check();
    return 'ok';
  } catch (error) {
    return error instanceof GamepipeError ? error.message : 'unavailable';
  }
}

export function opsRoutes(deps: OpsDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/', async (request) => {
      await deps.game.defaultResponse(requestMeta(request.headers));
      return 'This is the default response!\n';
    });

    app.get('/healthz', async (_request, reply) => {
      const [state, log] = await Promise.all([probe(() => deps.store.ping()), probe(() => deps.log.ping())]);
      const healthy = state === 'ok' && log === 'ok';
      reply.code(healthy ? 200 : 503);
      return { status: healthy ? 'ok' : 'unavailable', state, log };
    });

    app.get('/metrics', async (_request, reply) => {
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });

    app.get<{ Querystring: { players?: number } }>('/status', {
      schema: { querystring: { type: 'object', properties: { players: { type: 'integer', minimum: 0, maximum: 10_000 } } } },
      handler: async (request) => {
        requireToken(request, deps.statusToken);
        const status = await deps.store.status(request.query.players ?? 100);
        return {
          backends: deps.backends,
          users: status.users,
          active_sessions: status.activeSessions,
          events_appended: await deps.metrics.totalEventsAppended(),
          players: status.players,
        };
      },
    });
  };
}
