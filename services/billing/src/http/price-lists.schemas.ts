// Request and response schemas of /v1/price-lists.
import { z } from 'zod';
import { NON_NEGATIVE_MONEY_PATTERN, parseMoney, POSITIVE_MONEY_PATTERN } from '@runfleet/contracts';
import type { PriceListRecord } from '../data/price-list.repository';
import { EXAMPLE_IDS, EXAMPLE_TIME, iso, money, moneyOut, timestampSchema } from './common.schemas';
import { knownCurrency } from './wallets.schemas';

export const jobTypeSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only')
  .meta({ description: 'the job type, as runners declare it', example: 'render' });

export const priceListSchema = z
  .object({
    id: z.uuid().meta({ description: 'this version' }),
    jobType: z.string(),
    unit: z.enum(['second', 'GB', 'run']),
    unitPrice: moneyOut('price of one unit', '0.020000'),
    currency: z.string(),
    retired: z.boolean().meta({ description: 'true: from effectiveFrom on the job type has no price (its jobs are refused)' }),
    resellerId: z.uuid().nullable().meta({ description: 'an override for this reseller’s customers; null: the base price' }),
    tiers: z
      .array(z.object({ fromUnits: z.string(), unitPrice: z.string() }))
      .meta({ description: 'graduated volume tiers: from `fromUnits` used by the customer in the calendar month on, a unit costs `unitPrice`' }),
    effectiveFrom: timestampSchema,
    createdBy: z.string(),
    createdAt: timestampSchema,
  })
  .meta({
    example: {
      id: EXAMPLE_IDS.priceList,
      jobType: 'render',
      unit: 'second',
      unitPrice: '0.020000',
      currency: 'EUR',
      retired: false,
      resellerId: null,
      tiers: [{ fromUnits: '10000.000000', unitPrice: '0.015000' }],
      effectiveFrom: EXAMPLE_TIME,
      createdBy: 'admin:0b5f5d7e-3c2a-4f8e-9a51-6d1c2b3a4e5f',
      createdAt: EXAMPLE_TIME,
    },
  });

export const priceListJson = (p: PriceListRecord): z.infer<typeof priceListSchema> => ({
  id: p.id,
  jobType: p.jobType,
  unit: p.unit,
  unitPrice: money(p.unitPrice),
  currency: p.currency,
  retired: p.retired,
  resellerId: p.resellerId,
  tiers: p.tiers.map((t) => ({ fromUnits: money(t.fromUnits), unitPrice: money(t.unitPrice) })),
  effectiveFrom: iso(p.effectiveFrom),
  createdBy: p.createdBy,
  createdAt: iso(p.createdAt),
});

/** A decimal string with at most 6 decimals into micro-units; `positive` refuses zero. */
const amountIn = (pattern: RegExp, message: string, field: string) =>
  z
    .string()
    .regex(pattern, message)
    .transform((value, ctx) => {
      try {
        return parseMoney(value, field);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is out of range' });
        return z.NEVER;
      }
    });

const tierSchema = z.strictObject({
  fromUnits: amountIn(POSITIVE_MONEY_PATTERN, 'must be a decimal string greater than zero with at most 6 decimals', 'fromUnits').meta({
    description: 'units used in the calendar month from which this price applies',
    example: '10000',
  }),
  unitPrice: amountIn(NON_NEGATIVE_MONEY_PATTERN, 'must be a non-negative decimal string with at most 6 decimals', 'unitPrice').meta({ example: '0.015' }),
});

const tiersSchema = z
  .array(tierSchema)
  .max(20)
  .refine((tiers) => tiers.every((t, i) => i === 0 || t.fromUnits > tiers[i - 1]!.fromUnits), 'fromUnits must rise from tier to tier')
  .meta({ description: 'graduated volume tiers, ascending by fromUnits (at most 20)' });

export const setPriceBody = z
  .strictObject({
    jobType: jobTypeSchema,
    unit: z.enum(['second', 'GB', 'run']).meta({ description: 'what usage.units of the job counts' }),
    unitPrice: z
      .string()
      .regex(NON_NEGATIVE_MONEY_PATTERN, 'must be a non-negative decimal string with at most 6 decimals, e.g. "0.02"')
      .transform((value, ctx) => {
        try {
          return parseMoney(value, 'unitPrice');
        } catch {
          ctx.addIssue({ code: 'custom', message: 'is out of range' });
          return z.NEVER;
        }
      })
      .meta({ description: 'price of one unit, at most 6 decimals', example: '0.02' }),
    currency: knownCurrency,
    effectiveFrom: z.iso.datetime({ offset: true }).optional().meta({ description: 'default now; a future time schedules the change', example: EXAMPLE_TIME }),
    resellerId: z.uuid().optional().meta({ description: 'an override for this reseller’s customers (default: the base price)', example: EXAMPLE_IDS.priceList }),
    tiers: tiersSchema.optional(),
  })
  .meta({ example: { jobType: 'render', unit: 'second', unitPrice: '0.02', currency: 'EUR' } });

export const retireQuery = z.strictObject({
  currency: knownCurrency,
  resellerId: z.uuid().optional().meta({ description: 'end this reseller’s override instead of the base price' }),
});
export const jobTypeParams = z.strictObject({ jobType: jobTypeSchema });
