// Keyset pagination over (created_at, id), newest first, for every list of every service
// (DESIGN.md §8): the cursor is the position of the last row served, so pages stay stable while
// rows are added, and each page is one index range scan whatever its depth.
import { z } from 'zod';
import { decodeCursor, encodeCursor, type Page } from '@runfleet/contracts';

const positionSchema = z.tuple([z.iso.datetime(), z.uuid()]);

/** ORDER BY that matches the cursor; every keyset list uses it. */
export const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/** The `where` fragment selecting the rows after `cursor` (an empty object on the first page). */
export function afterCursor(cursor: string | undefined): { OR?: object[] } {
  if (cursor === undefined) return {};
  const [createdAt, id] = decodeCursor(cursor, positionSchema);
  const at = new Date(createdAt);
  return { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }] };
}

/** Rows were fetched with `take: limit + 1`: the extra row only says whether there is a next page. */
export function toPage<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null;
  return { items, nextCursor };
}
