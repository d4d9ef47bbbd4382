// Cursor pagination shared by every list endpoint (DESIGN.md §8): `limit` and an opaque `cursor` in,
// `{ items, nextCursor }` out. A cursor is base64url JSON that only the issuing service interprets.
import { z } from 'zod';
import { ContractError } from './contract-error';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;
// Cursors are small keyset positions; a bound keeps a hostile query string from costing a big parse.
const MAX_CURSOR_LENGTH = 2048;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;

export class InvalidCursorError extends ContractError {
  readonly code = 'PAGINATION_INVALID_CURSOR';
  readonly field = 'cursor';

  constructor(reason: string) {
    super(`cursor is invalid: ${reason}`, [{ field: 'cursor', message: reason }]);
  }
}

export const cursorSchema = z
  .string()
  .min(1)
  .max(MAX_CURSOR_LENGTH)
  .regex(BASE64URL_PATTERN, 'must be an opaque cursor returned as nextCursor');

/** Query string of a list endpoint; `limit` arrives as text and is coerced. Extend it with filters. */
export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: cursorSchema.optional(),
});
export type PaginationQuery = z.infer<typeof paginationQuerySchema>;

/** `{ items, nextCursor }`; nextCursor is null on the last page. */
export function pageSchema<T extends z.ZodType>(itemSchema: T) {
  return z.object({
    items: z.array(itemSchema),
    nextCursor: z.string().nullable(),
  });
}
export type Page<T> = { items: T[]; nextCursor: string | null };

/** Serialises a cursor position (any JSON value) as base64url JSON. */
export function encodeCursor(position: unknown): string {
  const json = JSON.stringify(position);
  if (json === undefined) throw new TypeError('encodeCursor: position is not JSON-serialisable');
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Reads a cursor back and validates it against `schema`; anything else throws InvalidCursorError. */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.output<S> {
  // Buffer's base64url decoder silently skips foreign characters, so check the alphabet first.
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL_PATTERN.test(cursor)) {
    throw new InvalidCursorError('not a cursor returned by this API');
  }
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor returned by this API');
  }
  const result = schema.safeParse(position);
  if (!result.success) throw new InvalidCursorError('does not point into this list');
  return result.data;
}
