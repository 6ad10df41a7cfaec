import type { FastifyInstance } from 'fastify';
import { setEventId } from '../event-id-header.js';
import { MAX_QUANTITY, type GameService } from '../game-service.js';
import { requestMeta } from '../request-meta.js';
import { SESSION_COOKIE } from '../session-tokens.js';

interface BuyRequest {
  Params: { item: string };
  Querystring: { quality?: string; quantity?: number };
}

interface InventoryRequest {
  Querystring: { item_type?: string; quality?: string };
}

export function shopRoutes(game: GameService) {
  return async (app: FastifyInstance): Promise<void> => {
    app.route<BuyRequest>({
      method: ['GET', 'POST'],
      url: '/buy/:item',
      schema: {
        params: { type: 'object', properties: { item: { type: 'string', maxLength: 64 } } },
        querystring: {
          type: 'object',
          properties: {
            quality: { type: 'string', minLength: 1, maxLength: 32 },
            quantity: { type: 'integer', minimum: 1, maximum: MAX_QUANTITY },
          },
        },
      },
      handler: async (request, reply) => {
        const token = request.cookies[SESSION_COOKIE];
        const purchase = game.resolvePurchase(request.params.item, request.query.quality, request.query.quantity ?? 1);
        setEventId(reply, await game.buy(token, purchase, requestMeta(request.headers))).header(
          'x-item-quality',
          purchase.quality,
        );
        return purchase.quantity === 1
          ? `Bought a ${purchase.itemType}!\n`
          : `Bought ${purchase.quantity} x ${purchase.itemType}!\n`;
      },
    });

    app.get<InventoryRequest>('/inventory', {
      schema: {
        querystring: {
          type: 'object',
          properties: { item_type: { type: 'string', maxLength: 64 }, quality: { type: 'string', maxLength: 32 } },
        },
      },
      handler: async (request) => {
        const { username, items } = await game.inventory(request.cookies[SESSION_COOKIE]);
        const { item_type, quality } = request.query;
        const chosen = items
          .filter(
            (i) =>
              (item_type === undefined || i.itemType === item_type) && (quality === undefined || i.quality === quality),
          )
          .sort((a, b) => a.itemType.localeCompare(b.itemType) || a.quality.localeCompare(b.quality));
        return {
          username,
          total: chosen.reduce((sum, i) => sum + i.count, 0),
          items: chosen.map((i) => ({ item_type: i.itemType, quality: i.quality, count: i.count })),
        };
      },
    });
  };
}
