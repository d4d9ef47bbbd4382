// Schemas the commerce routes share (providers, offerings, relationships, marketplace, orders,
// tiers): example ids and money on the wire (decimal strings with 6 decimals, DESIGN.md §5).
import { z } from 'zod';
import { nonNegativeMoneyStringSchema } from '@runfleet/contracts';

export const COMMERCE_EXAMPLE_IDS = {
  provider: '5b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4',
  offering: '8e9f0a1b-2c3d-4e5f-9a6b-7c8d9e0f1a2b',
  relationship: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
  order: '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9',
  transaction: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f',
} as const;

/** An amount as the API writes it: always 6 decimals. */
export const moneyOut = (description: string, example: string) => z.string().meta({ description, example });

/** A price as the API reads it: zero or more, at most 6 decimals. */
export const priceInput = nonNegativeMoneyStringSchema.meta({
  description: 'decimal string, at most 6 decimals, e.g. "100" or "99.99"',
  example: '100.00',
});
