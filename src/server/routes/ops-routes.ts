import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GamepipeError } from '../../errors.js';
import type { EventLog } from '../../eventlog/event-log.js';
import type { StateStore } from '../../state/state-store.js';
import { setEventId } from '../event-id-header.js';
import type { GameService } from '../game-service.js';
import { requestMeta } from '../request-meta.js';
import type { ServerMetrics } from '../server-metrics.js';

export interface OpsDeps {
  game: GameService;
  store: StateStore;
  log: EventLog;
  metrics: ServerMetrics;
  /** The operator token: /status always needs it, /metrics when `protectMetrics`. */
  operatorToken: string;
  protectMetrics: boolean;
  backends: { state: string; log: string };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares digests, so neither the time taken nor an exception tells how much of a guess was right. */
function requireToken(request: FastifyRequest, token: string, page: string): void {
  const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (given === undefined || !timingSafeEqual(digest(given), digest(token))) {
    throw new GamepipeError('FORBIDDEN', `${page} needs the operator token: send "Authorization: Bearer <token>".`, {
      hint: 'the token is GAMEPIPE_STATUS_TOKEN (statusToken in the config file), else <data-dir>/status-token',
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
    app.get('/', async (request, reply) => {
      setEventId(reply, await deps.game.defaultResponse(requestMeta(request.headers)));
      return 'This is the default response!\n';
    });

    app.get('/healthz', async (_request, reply) => {
      const [state, log] = await Promise.all([probe(() => deps.store.ping()), probe(() => deps.log.ping())]);
      const healthy = state === 'ok' && log === 'ok';
      reply.code(healthy ? 200 : 503);
      return { status: healthy ? 'ok' : 'unavailable', state, log };
    });

    app.get('/metrics', async (request, reply) => {
      if (deps.protectMetrics) requireToken(request, deps.operatorToken, 'Metrics');
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });

    app.get<{ Querystring: { players?: number } }>('/status', {
      schema: {
        querystring: { type: 'object', properties: { players: { type: 'integer', minimum: 0, maximum: 10_000 } } },
      },
      handler: async (request) => {
        requireToken(request, deps.operatorToken, 'Status');
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
