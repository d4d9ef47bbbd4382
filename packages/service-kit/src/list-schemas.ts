// Request schemas every service's routes share (DESIGN.md §8): ids in paths, list queries with cursor
// pagination, booleans in query strings. `.meta` examples and descriptions feed each service's
// OpenAPI document.
import { z } from 'zod';
import { cursorSchema, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '@runfleet/contracts';

/** `{ <name>: uuid }` for a path like `/v1/customers/:customerId`. */
export function idParams<K extends string>(name: K, example: string) {
  return z.strictObject({ [name]: z.uuid().meta({ example, description: 'id of the object' }) } as Record<K, z.ZodUUID>);
}

/** A query-string boolean: `true` or `false`, nothing else. */
export const queryBoolean = (description: string) =>
  z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .meta({ description, example: 'true' });

/** `limit` and `cursor`, plus a list's own filters. */
export function listQuery<T extends z.ZodRawShape>(filters: T) {
  return z.strictObject({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_PAGE_LIMIT)
      .default(DEFAULT_PAGE_LIMIT)
      .meta({ description: `page size, 1–${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`, example: 20 }),
    cursor: cursorSchema.optional().meta({ description: 'nextCursor of the previous page' }),
    ...filters,
  });
}
