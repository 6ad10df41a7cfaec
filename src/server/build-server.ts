import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Catalog } from '../catalog/catalog.js';
import { isGamepipeError, type GamepipeError } from '../errors.js';
import type { EventLog } from '../eventlog/event-log.js';
import { logger } from '../logger.js';
import type { StateStore } from '../state/state-store.js';
import { RateLimitedError } from './attempt-limit.js';
import { eventIdOf } from './event-id-header.js';
import { GameService } from './game-service.js';
import { answerClientError, BODY_LIMIT_BYTES, HEADER_LIMIT_BYTES, oneLine, REQUEST_TIMEOUT_MS } from './http-limits.js';
import { accountRoutes } from './routes/account-routes.js';
import { guildRoutes } from './routes/guild-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { shopRoutes } from './routes/shop-routes.js';
import { ServerMetrics } from './server-metrics.js';
import type { SignupLimitSettings } from './signup-limit.js';

/** What the operator decides about exposure and abuse (config: metricsAccess, signupLimit*, trustProxy). */
export interface ServerSecurity {
  /** /metrics needs the operator token too. */
  protectMetrics: boolean;
  signupLimit: SignupLimitSettings;
  /** Proxies whose X-Forwarded-For names the client (the address the signup limit counts); none by default. */
  trustProxy: readonly string[];
}

export interface ServerDeps {
  store: StateStore;
  log: EventLog;
  catalog: Catalog;
  /** The operator token of /status (and /metrics when protected). Never logged. */
  statusToken: string;
  security: ServerSecurity;
  backends: { state: string; log: string };
  random?: () => number;
  /** Seal the events' personal fields with the player's key (`deploymentOf(config).sealsPersonalFields`). */
  sealPersonalFields?: boolean;
}

const requestLog = logger.child({ component: 'http' });
const text = (reply: FastifyReply, status: number, line: string) =>
  reply
    .code(status)
    .type('text/plain; charset=utf-8')
    .send(`${oneLine(line)}\n`);

/** The one line of a deliberate error: a 503 changed nothing; a 504 may have done the action. */
function answerOf(error: GamepipeError): string {
  if (error.httpStatus === 503) return `Service unavailable: ${error.message}; nothing was changed, try again.`;
  if (error.httpStatus === 504)
    return `Gateway timeout: ${error.message}; the action may have been done, check before trying again.`;
  return error.message;
}

/**
 * The game API. Answers are one line of text (the seed's texts) or JSON. Request logging names the
 * route pattern, never the URL: the seed's GET /signup carries the password in its query string.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const metrics = new ServerMetrics();
  const game = new GameService({ ...deps, metrics, signupLimit: deps.security.signupLimit });
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    http: { maxHeaderSize: HEADER_LIMIT_BYTES },
    requestTimeout: REQUEST_TIMEOUT_MS,
    trustProxy: deps.security.trustProxy.length > 0 ? [...deps.security.trustProxy] : false,
    clientErrorHandler: answerClientError,
    // HEAD must not run a GET handler here: the seed's API changes state on GET (HEAD /buy/sword would buy).
    exposeHeadRoutes: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A URL the router refuses (bad percent-encoding, an over-long parameter): one line, without echoing the URL,
    // which may hold a password in its query string.
    frameworkErrors: (error, _request, reply) => {
      void text(
        reply,
        error.statusCode ?? 400,
        error.statusCode === 414 ? 'Bad request: the URL is too long.' : 'Bad request: the URL is not valid.',
      );
    },
  });

  await app.register(cookie);
  await app.register(formbody);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    metrics.requestSeconds.observe({ route }, reply.elapsedTime / 1000);
    if (!requestLog.isLevelEnabled('debug')) return;
    const line = {
      method: request.method,
      route,
      status: reply.statusCode,
      response_ms: Math.round(reply.elapsedTime * 10) / 10,
      event_id: eventIdOf(reply),
    };
    requestLog.debug(line, 'request');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isGamepipeError(error)) {
      if (error.httpStatus >= 500)
        requestLog.warn(
          { code: error.code, route: request.routeOptions.url, cause: String(error.cause ?? '') },
          error.message,
        );
      if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
      return text(reply, error.httpStatus, answerOf(error));
    }
    if (error.validation) return text(reply, 400, `Bad request: ${error.message}.`);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
      return text(reply, error.statusCode, error.message);
    requestLog.error({ err: error, route: request.routeOptions.url }, 'unexpected error');
    return text(reply, 500, 'Internal error.');
  });

  app.setNotFoundHandler((_request, reply) => text(reply, 404, 'Not found.'));

  const { protectMetrics } = deps.security;
  await app.register(
    opsRoutes({
      game,
      store: deps.store,
      log: deps.log,
      metrics,
      operatorToken: deps.statusToken,
      protectMetrics,
      backends: deps.backends,
    }),
  );
  await app.register(accountRoutes(game));
  await app.register(shopRoutes(game));
  await app.register(guildRoutes(game));
  return app;
}
