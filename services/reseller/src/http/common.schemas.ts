// Schemas every route of this service shares: ids in paths, list queries, booleans in query
// strings, timestamps out. `.meta` examples feed the OpenAPI document (GET /openapi.json).
import { z } from 'zod';
import { currencySchema } from '@runfleet/contracts';

// Ids in paths, list queries and query booleans are the kit's, the same in every service.
export { idParams, listQuery, queryBoolean } from '@runfleet/service-kit';

export const EXAMPLE_IDS = {
  admin: '0b5f5d7e-3c2a-4f8e-9a51-6d1c2b3a4e5f',
  reseller: '7d1f3c52-9e4b-4a7d-8c21-3f5e6a7b8c9d',
  customer: '4a2b8c6d-1e3f-4a5b-9c7d-2e4f6a8b0c1d',
  project: '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  apiKey: '2f4e6d8c-0b1a-4c3d-9e5f-7a6b5c4d3e2f',
  audit: '6e5d4c3b-2a19-4f8e-8d7c-6b5a49382716',
} as const;

export const EXAMPLE_TIME = '2026-11-22T10:15:00.000Z';

export const nameSchema = z.string().trim().min(1).max(200);
export const emailSchema = z.email().max(320);
export const currencyInput = currencySchema.meta({ description: 'ISO 4217 currency code', example: 'EUR' });
export const searchQuery = z.string().trim().min(1).max(200).optional().meta({ description: 'case-insensitive substring of the name', example: 'acme' });

export const timestampSchema = z.iso.datetime().meta({ example: EXAMPLE_TIME });
export const nullableTimestampSchema = z.iso.datetime().nullable().meta({ example: null });

export const iso = (date: Date): string => date.toISOString();
export const isoOrNull = (date: Date | null): string | null => date?.toISOString() ?? null;
