// /v1/feed: the caller's own in-app feed (issue 17 item 6), newest first, with its unread count.
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { accountOf } from '../domain/account-of';
import { markAllRead, markRead, readFeed } from '../domain/feed';
import type { UseCaseDeps } from './use-case-deps';
import { feedItemJson, feedItemParams, feedPageSchema, feedQuery, markedAllReadSchema, markedReadSchema } from './feed.schemas';

export function registerFeedRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  api.route(
    {
      method: 'get',
      path: '/v1/feed',
      summary: "The caller's feed, newest first",
      description: 'A customer or reseller sees only its own items (a reseller also hears its customers’ events). `unread=true` lists unread items only.',
      tags: ['feed'],
      request: { query: feedQuery },
      responses: { 200: { description: 'A page of items and the unread count', schema: feedPageSchema } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const account = accountOf(principalFromRequest(req));
      const page = await readFeed(deps.prisma, account, { limit: query.limit, cursor: query.cursor, unreadOnly: query.unread });
      res.json({ items: page.items.map(feedItemJson), nextCursor: page.nextCursor, unreadCount: page.unreadCount });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/feed/read-all',
      summary: "Mark every item of the caller's feed read",
      tags: ['feed'],
      responses: { 200: { description: 'How many items changed, and the unread count after', schema: markedAllReadSchema } },
      errors: [403],
    },
    async (_input, req, res) => {
      const account = accountOf(principalFromRequest(req));
      res.json(await markAllRead(deps.prisma, account, deps.now()));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/feed/:itemId/read',
      summary: 'Mark one item read',
      description: 'Marking an item already read changes nothing. Another account’s item answers 404, like a missing one.',
      tags: ['feed'],
      request: { params: feedItemParams },
      responses: { 200: { description: 'The item and the unread count after', schema: markedReadSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      const account = accountOf(principalFromRequest(req));
      const { item, unreadCount } = await markRead(deps.prisma, account, params.itemId, deps.now());
      res.json({ item: feedItemJson(item), unreadCount });
    },
  );
}
