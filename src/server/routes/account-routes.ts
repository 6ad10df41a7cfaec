import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GamepipeError } from '../../errors.js';
import type { GameService } from '../game-service.js';
import { requestMeta } from '../request-meta.js';
import { SESSION_COOKIE, sessionCookieOptions } from '../session-tokens.js';

const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MIN_PASSWORD = 3;
const MAX_PASSWORD = 1024;

type Action = 'Signup' | 'Login';

/** Credentials from the query string (the seed's GET form) or a form or JSON body. */
function credentials(request: FastifyRequest, action: Action): { username: string; password: string } {
  const source = { ...(request.query as Record<string, unknown>), ...((request.body ?? {}) as Record<string, unknown>) };
  const { username, password } = source;
  const fail = (why: string) => new GamepipeError('BAD_REQUEST', `${action} Failed! ${why}`);
  if (typeof username !== 'string' || username === '') throw fail('Please provide a username.');
  if (typeof password !== 'string' || password === '') throw fail('Please provide a password.');
  if (!USERNAME.test(username)) throw fail('A username is 1 to 64 letters, digits, ".", "_" or "-".');
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) throw fail(`A password is ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`);
  return { username, password };
}

export function accountRoutes(game: GameService) {
  return async (app: FastifyInstance): Promise<void> => {
    app.route({
      method: ['GET', 'POST'],
      url: '/signup',
      handler: async (request, reply) => {
        const { username, password } = credentials(request, 'Signup');
        const { token } = await game.signup(username, password, requestMeta(request.headers));
        reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions);
        return `Signup successful! Welcome ${username}.\n`;
      },
    });

    app.route({
      method: ['GET', 'POST'],
      url: '/login',
      handler: async (request, reply) => {
        const { username, password } = credentials(request, 'Login');
        const { token } = await game.login(username, password, requestMeta(request.headers));
        reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions);
        return `Login successful! Welcome ${username}.\n`;
      },
    });

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
