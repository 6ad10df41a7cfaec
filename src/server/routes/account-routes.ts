import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GamepipeError } from '../../errors.js';
import { setEventId } from '../event-id-header.js';
import type { EventId, GameService } from '../game-service.js';
import { requestMeta } from '../request-meta.js';
import { SESSION_COOKIE, sessionCookieOptions } from '../session-tokens.js';

const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MIN_PASSWORD = 3;
const MAX_PASSWORD = 1024;

type Action = 'Signup' | 'Login';

/** Credentials from the query string (the seed's GET form) or a form or JSON body. */
function credentials(request: FastifyRequest, action: Action): { username: string; password: string } {
  const source = {
    ...(request.query as Record<string, unknown>),
    ...((request.body ?? {}) as Record<string, unknown>),
  };
  const { username, password } = source;
  const fail = (why: string) => new GamepipeError('BAD_REQUEST', `${action} Failed! ${why}`);
  if (typeof username !== 'string' || username === '') throw fail('Please provide a username.');
  if (typeof password !== 'string' || password === '') throw fail('Please provide a password.');
  if (!USERNAME.test(username)) throw fail('A username is 1 to 64 letters, digits, ".", "_" or "-".');
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD)
    throw fail(`A password is ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`);
  return { username, password };
}

type Enter = (
  username: string,
  password: string,
  meta: ReturnType<typeof requestMeta>,
  request: FastifyRequest,
) => Promise<{ token: string; eventId: EventId }>;

export function accountRoutes(game: GameService) {
  return async (app: FastifyInstance): Promise<void> => {
    /** Signup and login: take credentials, open a session, set its cookie, welcome the player. */
    const sessionRoute = (url: string, action: Action, enter: Enter) =>
      app.route({
        method: ['GET', 'POST'],
        url,
        handler: async (request, reply) => {
          const { username, password } = credentials(request, action);
          const { token, eventId } = await enter(username, password, requestMeta(request.headers), request);
          setEventId(reply, eventId).setCookie(SESSION_COOKIE, token, sessionCookieOptions);
          return `${action} successful! Welcome ${username}.\n`;
        },
      });
    sessionRoute('/signup', 'Signup', (u, p, meta, request) => game.signup(u, p, meta, request.ip));
    sessionRoute('/login', 'Login', (u, p, meta) => game.login(u, p, meta));

    app.route({
      method: ['GET', 'POST'],
      url: '/logout',
      handler: async (request, reply) => {
        await game.logout(request.cookies[SESSION_COOKIE]);
        reply.clearCookie(SESSION_COOKIE, sessionCookieOptions);
        return 'Logged out.\n';
      },
    });
  };
}
