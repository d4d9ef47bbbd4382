// The live feed (issue 17 item 6, Server-Sent Events): new items of the caller's feed as they are
// committed. Polled from the database, not pushed: an item may be committed by any replica, and one
// indexed query per open stream per interval is cheap next to a listener per replica; a stream
// that resumes (Last-Event-ID) first gets what it missed.
import { findFeedItem, listFeedItemsSince, type FeedItemRecord } from '../data/feed.repository';
import type { Db } from '../db';
import type { Recipient } from './account-notification';

/** How far back each poll looks again, for items committed after later-stamped ones. */
export const STREAM_LOOKBACK_MS = 10_000;
const PAGE = 100;

export interface FeedStreamCursor {
  /** items created after this were not all sent yet */
  since: Date;
  /** ids sent within the look-back window */
  sent: Map<string, number>;
}

/**
 * Where a stream starts: after the item the client saw last, or from now. What the look-back
 * window holds up to that point counts as sent already, so a new stream does not replay the last
 * seconds and a resumed one does not repeat what the client had.
 */
export async function openFeedStream(db: Db, account: Recipient, lastEventId: string | undefined, now: Date): Promise<FeedStreamCursor> {
  const last = lastEventId ? await findFeedItem(db, account, lastEventId) : null;
  const start = last ? last.createdAt : now;
  const cursor: FeedStreamCursor = { since: start, sent: new Map() };
  const seen = (row: FeedItemRecord) =>
    last ? row.createdAt < last.createdAt || (row.createdAt.getTime() === last.createdAt.getTime() && row.id <= last.id) : row.createdAt <= now;
  for (const row of await nextFeedItems(db, account, { since: start, sent: new Map() })) {
    if (seen(row)) cursor.sent.set(row.id, row.createdAt.getTime());
  }
  return cursor;
}

/** The items not sent yet, oldest first; advances the cursor. */
export async function nextFeedItems(db: Db, account: Recipient, cursor: FeedStreamCursor): Promise<FeedItemRecord[]> {
  let from: { createdAt: Date; id?: string } = { createdAt: new Date(cursor.since.getTime() - STREAM_LOOKBACK_MS) };
  const fresh: FeedItemRecord[] = [];
  for (;;) {
    const rows = await listFeedItemsSince(db, account, from, PAGE);
    for (const row of rows) {
      if (cursor.sent.has(row.id)) continue;
      cursor.sent.set(row.id, row.createdAt.getTime());
      fresh.push(row);
    }
    const last = rows[rows.length - 1];
    if (rows.length < PAGE || !last) break;
    from = { createdAt: last.createdAt, id: last.id };
  }
  const newest = fresh.reduce((t, r) => Math.max(t, r.createdAt.getTime()), cursor.since.getTime());
  cursor.since = new Date(newest);
  const forgetBefore = newest - 2 * STREAM_LOOKBACK_MS;
  for (const [id, at] of cursor.sent) if (at < forgetBefore) cursor.sent.delete(id);
  return fresh;
}
