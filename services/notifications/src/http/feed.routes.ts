// /v1/feed: the caller's own in-app feed (issue 17 item 6), newest first, with its unread count.
import { z } from 'zod';
import { AppError, principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { accountOf } from '../domain/account-of';
import { markAllRead, markRead, readFeed } from '../domain/feed';
import { nextFeedItems, openFeedStream } from '../domain/feed-stream';
import type { FeedStreamOptions, UseCaseDeps } from './use-case-deps';
import { feedItemJson, feedItemParams, feedPageSchema, feedQuery, markedAllReadSchema, markedReadSchema } from './feed.schemas';

export function registerFeedRoutes(api: ApiRoutes, deps: UseCaseDeps & { stream: FeedStreamOptions }): void {
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
      method: 'get',
      path: '/v1/feed/stream',
      summary: "New items of the caller's feed as they arrive (Server-Sent Events)",
      description:
        'A `text/event-stream`: each new item is an event `feed-item` whose `id` is the item id and whose `data` is the item as `GET /v1/feed` shows it; a comment line every 5 s keeps the connection open. Reconnecting with `Last-Event-ID` first sends what was missed since that item.',
      tags: ['feed'],
      responses: { 200: { description: 'An endless text/event-stream' } },
      errors: [403],
    },
    async (_input, req, res) => {
      const account = accountOf(principalFromRequest(req));
      const cursor = await openFeedStream(deps.prisma, account, lastEventId(req.headers['last-event-id']), deps.now());
      res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      res.flushHeaders();
      res.write(`retry: ${deps.stream.pollMs * 2}\n\n`);
      // The response closes when the client goes away (the request's own 'close' says only that its body was read).
      let closed = false;
      res.on('close', () => {
        closed = true;
      });
      let lastWrite = Date.now();
      while (!closed && !deps.stream.stopping()) {
        const items = await nextFeedItems(deps.prisma, account, cursor);
        for (const item of items) res.write(`id: ${item.id}\nevent: feed-item\ndata: ${JSON.stringify(feedItemJson(item))}\n\n`);
        if (items.length > 0) lastWrite = Date.now();
        else if (Date.now() - lastWrite >= deps.stream.heartbeatMs) {
          res.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
        await new Promise((resolve) => setTimeout(resolve, deps.stream.pollMs));
      }
      res.end();
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

/** An EventSource sends back the last `id` it got: one of our item ids, or nothing. */
function lastEventId(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = z.uuid().safeParse(value);
  if (!parsed.success) throw AppError.badRequest('VALIDATION_FAILED', 'The request is invalid.', { errors: [{ field: 'headers.last-event-id', message: 'must be the id of a feed item' }] });
  return parsed.data;
}
