// The in-app feed (issue 17 item 6): one row per event and account, newest first, read or not.
import { randomUUID } from 'node:crypto';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import type { Recipient } from '../domain/account-notification';

export interface FeedItemRecord {
  id: string;
  eventId: string;
  type: string;
  category: string;
  title: string;
  data: Prisma.JsonValue;
  occurredAt: Date;
  createdAt: Date;
  readAt: Date | null;
}

export interface NewFeedItem {
  eventId: string;
  type: string;
  category: string;
  title: string;
  data: Prisma.InputJsonValue;
  occurredAt: Date;
}

const SELECT = { id: true, eventId: true, type: true, category: true, title: true, data: true, occurredAt: true, createdAt: true, readAt: true } as const;
const owned = (account: Recipient) => ({ accountType: account.accountType, accountId: account.accountId });

/** A redelivered event adds nothing: one item per event and account. */
export async function insertFeedItem(db: Db, account: Recipient, item: NewFeedItem): Promise<void> {
  await db.feedItem.createMany({ data: [{ id: randomUUID(), ...owned(account), ...item }], skipDuplicates: true });
}

export async function listFeedItems(db: Db, account: Recipient, options: { limit: number; cursor?: string; unreadOnly?: boolean }): Promise<Page<FeedItemRecord>> {
  const rows = await db.feedItem.findMany({
    where: { ...owned(account), ...(options.unreadOnly ? { readAt: null } : {}), ...afterCursor(options.cursor) },
    orderBy: NEWEST_FIRST,
    take: options.limit + 1,
    select: SELECT,
  });
  return toPage(rows, options.limit);
}

export async function countUnread(db: Db, account: Recipient): Promise<number> {
  return db.feedItem.count({ where: { ...owned(account), readAt: null } });
}

/** Marks one of the account's items read (kept as first read); null when the account has no such item. */
export async function markFeedItemRead(db: Db, account: Recipient, id: string, now: Date): Promise<FeedItemRecord | null> {
  await db.feedItem.updateMany({ where: { id, ...owned(account), readAt: null }, data: { readAt: now } });
  return db.feedItem.findFirst({ where: { id, ...owned(account) }, select: SELECT });
}

/** Marks every unread item of the account read; returns how many changed. */
export async function markAllFeedItemsRead(db: Db, account: Recipient, now: Date): Promise<number> {
  const { count } = await db.feedItem.updateMany({ where: { ...owned(account), readAt: null }, data: { readAt: now } });
  return count;
}

/**
 * Items created since `since`, oldest first, for the live stream. `created_at` is the inserting
 * transaction's start, so an item can commit after a later-stamped one: the stream asks again for
 * a window back and drops what it already sent.
 */
export async function listFeedItemsSince(db: Db, account: Recipient, since: { createdAt: Date; id?: string }, limit: number): Promise<FeedItemRecord[]> {
  const after = since.id === undefined ? { createdAt: { gt: since.createdAt } } : { OR: [{ createdAt: { gt: since.createdAt } }, { createdAt: since.createdAt, id: { gt: since.id } }] };
  return db.feedItem.findMany({
    where: { ...owned(account), ...after },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: limit,
    select: SELECT,
  });
}

/** One of the account's items (where a reconnecting stream resumes), or null. */
export async function findFeedItem(db: Db, account: Recipient, id: string): Promise<FeedItemRecord | null> {
  return db.feedItem.findFirst({ where: { id, ...owned(account) }, select: SELECT });
}
