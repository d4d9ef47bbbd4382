import { z } from 'zod';
import { decodeCursor, encodeCursor, InvalidCursorError, pageSchema, paginationQuerySchema } from '@runfleet/contracts';

const positionSchema = z.object({ createdAt: z.string(), id: z.string() }).strict();

describe('paginationQuerySchema', () => {
  it('defaults limit to 20 when the query string has none', () => {
    expect(paginationQuerySchema.parse({})).toEqual({ limit: 20 });
  });

  it.each([
    ['1', 1],
    ['100', 100],
    ['37', 37],
  ])('coerces limit=%s from the query string', (raw, expected) => {
    expect(paginationQuerySchema.parse({ limit: raw }).limit).toBe(expected);
  });

  it.each(['0', '101', '-1', '2.5', 'ten', ''])('rejects limit=%j and names the limit field', (raw) => {
    const result = paginationQuerySchema.safeParse({ limit: raw });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['limit']);
  });

  it('rejects a cursor outside the base64url alphabet', () => {
    const result = paginationQuerySchema.safeParse({ cursor: 'abc/def+=' });
    expect(result.error?.issues[0]?.path).toEqual(['cursor']);
  });

  it('keeps a well-formed cursor as given', () => {
    const cursor = encodeCursor({ createdAt: '2025-01-01T00:00:00.000Z', id: 'a' });
    expect(paginationQuerySchema.parse({ cursor }).cursor).toBe(cursor);
  });
});

describe('cursors', () => {
  it('decodes what was encoded', () => {
    const position = { createdAt: '2025-01-01T00:00:00.000Z', id: '3e7a9c1b' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, positionSchema)).toEqual(position);
  });

  it.each([
    ['garbage characters', 'not a cursor!'],
    ['base64url of non-JSON', Buffer.from('{oops', 'utf8').toString('base64url')],
    ['JSON of the wrong shape', encodeCursor({ offset: 40 })],
    ['an empty string', ''],
    ['an oversized string', 'A'.repeat(5000)],
  ])('rejects %s with an InvalidCursorError naming cursor', (_what, cursor) => {
    let caught: unknown;
    try {
      decodeCursor(cursor, positionSchema);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidCursorError);
    const error = caught as InvalidCursorError;
    expect(error.status).toBe(400);
    expect(error.code).toBe('PAGINATION_INVALID_CURSOR');
    expect(error.errors[0]?.field).toBe('cursor');
  });
});

describe('pageSchema', () => {
  const page = pageSchema(z.object({ id: z.string() }));

  it('accepts items with a next cursor, and null on the last page', () => {
    expect(page.safeParse({ items: [{ id: 'a' }], nextCursor: 'abc' }).success).toBe(true);
    expect(page.safeParse({ items: [], nextCursor: null }).success).toBe(true);
  });

  it('rejects a page whose items do not match the item schema or that omits nextCursor', () => {
    expect(page.safeParse({ items: [{ id: 1 }], nextCursor: null }).success).toBe(false);
    expect(page.safeParse({ items: [] }).success).toBe(false);
  });
});
