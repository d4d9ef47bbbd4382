// The in-app feed channel (issue 17 item 6): a notification of a kind the feed shows
// (notification-kinds.ts) becomes an item of the recipient's feed, titled with its kind's subject,
// in the consumer's transaction.
import { insertFeedItem } from '../data/feed.repository';
import type { Prisma } from '../db';
import { renderTitle } from '../email/render';
import type { NotificationChannel } from './account-notification';
import { kindOf } from './notification-kinds';

export function feedChannel(): NotificationChannel {
  return {
    name: 'feed',
    async deliver(tx, n) {
      const kind = kindOf(n.type);
      if (!kind?.feed) return;
      await insertFeedItem(tx, n.recipient, {
        eventId: n.eventId,
        type: n.type,
        category: kind.category,
        title: renderTitle(n.type, n.data),
        data: n.data as Prisma.InputJsonValue,
        occurredAt: new Date(n.occurredAt),
      });
    },
  };
}
