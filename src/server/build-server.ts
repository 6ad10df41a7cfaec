import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Catalog } from '../catalog/catalog.js';
import { isGamepipeError } from '../errors.js';
import type { EventLog } from '../eventlog/event-log.js';
import { logger } from '../logger.js';
import type { StateStore } from '../state/state-store.js';
import { GameService } from './game-service.js';
import { accountRoutes } from './routes/account-routes.js';
import { guildRoutes } from './routes/guild-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { shopRoutes } from './routes/shop-routes.js';
import { ServerMetrics } from './server-metrics.js';

export interface ServerDeps {
  store: StateStore;
  log: EventLog;
  catalog: Catalog;
  statusToken: string;
  backends: { state: string; log: string };
  random?: () => number;
}

const requestLog = logger.child({ component: 'http' });

/**
 * The game API. Answers are one line of text (the seed's texts) or JSON. Request logging names the
 * route pattern, never the URL: the seed's GET /signup carries the password in its query string.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const metrics = new ServerMetrics();
  const game = new GameService({ ...deps, metrics });
  const app = Fastify({
    logger: false,
    bodyLimit: 16 * 1024,
    // HEAD must not run a GET handler here: the seed's API changes state on GET (HEAD /buy/sword would buy).
    exposeHeadRoutes: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Requests the router refuses before routing (a malformed or over-long URL) get one line too.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      void reply.code(error.statusCode ?? 400).type('text/plain; charset=utf-8').send(`Bad request: ${error.message}\n`);
    },
  });

  await app.register(cookie);
  await app.register(formbody);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    metrics.requestSeconds.observe({ route }, reply.elapsedTime / 1000);
    requestLog.debug({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    reply.type('text/plain; charset=utf-8');
    if (isGamepipeError(error)) {
      if (error.httpStatus >= 500) requestLog.warn({ code: error.code, route: request.routeOptions.url, cause: String(error.cause ?? '') }, error.message);
      const text = error.httpStatus === 503 ? `Service unavailable: ${error.message}; nothing was changed, try again.` : error.message;
      return reply.code(error.httpStatus).send(`${text}\n`);
    }
    if (error.validation) return reply.code(400).send(`Bad request: ${error.message}.\n`);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return reply.code(error.statusCode).send(`${error.message}\n`);
    requestLog.error({ err: error, route: request.routeOptions.url }, 'unexpected error');
    return reply.code(500).send('Internal error.\n');
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Not found.\n'));

  await app.register(opsRoutes({ game, store: deps.store, log: deps.log, metrics, statusToken: deps.statusToken, backends: deps.backends }));
  await app.register(accountRoutes(game));
  await app.register(shopRoutes(game));
  await app.register(guildRoutes(game));
  return app;
}
