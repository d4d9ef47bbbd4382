// The in-app feed's use cases (issue 17 item 6): an account's items newest first with the unread
// count, one item or every item marked read. The account is always the caller's own (account-of.ts).
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { countUnread, listFeedItems, markAllFeedItemsRead, markFeedItemRead, type FeedItemRecord } from '../data/feed.repository';
import type { Db } from '../db';
import type { Recipient } from './account-notification';

export interface FeedPage extends Page<FeedItemRecord> {
  unreadCount: number;
}

export async function readFeed(db: Db, account: Recipient, options: { limit: number; cursor?: string; unreadOnly?: boolean }): Promise<FeedPage> {
  const [page, unreadCount] = await Promise.all([listFeedItems(db, account, options), countUnread(db, account)]);
  return { ...page, unreadCount };
}

/** 404 for another account's item as for a missing one: the answer says nothing about other feeds. */
export async function markRead(db: Db, account: Recipient, itemId: string, now: Date): Promise<{ item: FeedItemRecord; unreadCount: number }> {
  const item = await markFeedItemRead(db, account, itemId, now);
  if (!item) throw AppError.notFound('FEED_ITEM_NOT_FOUND', 'There is no feed item with this id.');
  return { item, unreadCount: await countUnread(db, account) };
}

export async function markAllRead(db: Db, account: Recipient, now: Date): Promise<{ marked: number; unreadCount: number }> {
  const marked = await markAllFeedItemsRead(db, account, now);
  return { marked, unreadCount: await countUnread(db, account) };
}
