import type { FastifyInstance } from 'fastify';
import { GamepipeError } from '../../errors.js';
import { setEventId } from '../event-id-header.js';
import type { GameService } from '../game-service.js';
import { requestMeta } from '../request-meta.js';
import { SESSION_COOKIE } from '../session-tokens.js';

/** Letters, digits, spaces and a little punctuation; no control characters. */
const GUILD_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.'-]{0,63}$/u;

export function guildRoutes(game: GameService) {
  return async (app: FastifyInstance): Promise<void> => {
    app.route<{ Params: { guild_name: string } }>({
      method: ['GET', 'POST'],
      url: '/join_guild/:guild_name',
      handler: async (request, reply) => {
        const guild = request.params.guild_name;
        if (!GUILD_NAME.test(guild)) {
          throw new GamepipeError(
            'BAD_REQUEST',
            'A guild name is 1 to 64 letters, digits, spaces, ".", "_", "\'" or "-".',
          );
        }
        setEventId(reply, await game.joinGuild(request.cookies[SESSION_COOKIE], guild, requestMeta(request.headers)));
        return 'Joined a Guild!\n';
      },
    });
  };
}
