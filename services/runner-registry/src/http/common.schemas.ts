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
  registrationToken: '3e1d5c7b-9a2f-4b6e-8d0c-1f3a5b7c9d2e',
  runner: '8f7e6d5c-4b3a-4291-8e7f-6d5c4b3a2918',
  job: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
  hold: '5b6c7d8e-9f0a-4b2c-8d4e-6f7a8b9c0d1e',
} as const;

export const EXAMPLE_TIME = '2026-11-22T10:15:00.000Z';

export const nameSchema = z.string().trim().min(1).max(200);
export const currencyInput = currencySchema.meta({ description: 'ISO 4217 currency code', example: 'EUR' });

/** A job type: what runners declare they run and jobs name (`render`, `ci.linux-x64`). */
export const jobTypeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1–64 lower-case letters, digits, `.`, `_` or `-`')
  .meta({ example: 'render' });

const labelKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/, 'label names are 1–63 letters, digits, `.`, `_`, `/` or `-`');
const labelValue = z.string().max(200);
/** Free-form `name: value` labels a runner carries and a job may require (at most 32). */
export const labelsSchema = z
  .record(labelKey, labelValue)
  .refine((labels) => Object.keys(labels).length <= 32, 'at most 32 labels')
  .meta({ example: { gpu: 'a100', region: 'eu' } });

export const timestampSchema = z.iso.datetime().meta({ example: EXAMPLE_TIME });
export const nullableTimestampSchema = z.iso.datetime().nullable().meta({ example: null });

export const iso = (date: Date): string => date.toISOString();
export const isoOrNull = (date: Date | null): string | null => date?.toISOString() ?? null;
