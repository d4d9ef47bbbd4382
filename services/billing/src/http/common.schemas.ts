// Schemas every route of the billing service shares: ids in paths, list queries, money and
// timestamps out. `.meta` examples feed the OpenAPI document (GET /openapi.json).
import { z } from 'zod';
import { formatMoney } from '@runfleet/contracts';

// Ids in paths, list queries and query booleans are the kit's, the same in every service.
export { idParams, listQuery, queryBoolean } from '@runfleet/service-kit';

export const EXAMPLE_IDS = {
  wallet: '3b9c2d1e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  customer: '4a2b8c6d-1e3f-4a5b-9c7d-2e4f6a8b0c1d',
  reseller: '7d1f3c52-9e4b-4a7d-8c21-3f5e6a7b8c9d',
  transaction: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f',
  hold: '8e9f0a1b-2c3d-4e5f-9a6b-7c8d9e0f1a2b',
  priceList: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  job: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
} as const;

export const EXAMPLE_TIME = '2026-12-05T10:15:00.000Z';

/** An amount the API answers with: a decimal string with 6 decimals (DESIGN.md §5). */
export const moneyOut = (description: string, example: string) => z.string().meta({ description, example });

export const timestampSchema = z.iso.datetime().meta({ example: EXAMPLE_TIME });
export const nullableTimestampSchema = z.iso.datetime().nullable().meta({ example: null });

export const iso = (date: Date): string => date.toISOString();
export const money = formatMoney;
