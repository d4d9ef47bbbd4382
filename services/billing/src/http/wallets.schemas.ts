// Request and response schemas of /v1/wallets (wallets, their ledger, credits).
import { z } from 'zod';
import { CREDIT_STATUSES, currencySchema, NON_NEGATIVE_MONEY_PATTERN, parseMoney, POSITIVE_MONEY_PATTERN } from '@runfleet/contracts';
import { ENTRY_TYPES, type EntryRecord } from '../data/ledger.repository';
import type { WalletRecord } from '../data/wallet.repository';
import { availableOf } from '../domain/wallet-rules';
import { EXAMPLE_IDS, EXAMPLE_TIME, iso, listQuery, money, moneyOut, timestampSchema } from './common.schemas';

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 code the runtime knows (so "XYZ" is refused, not just "eur"). */
export const knownCurrency = currencySchema
  .refine((code) => KNOWN_CURRENCIES.has(code), 'is not a known ISO 4217 currency')
  .meta({ description: 'ISO 4217 currency code', example: 'EUR' });

export const walletSchema = z
  .object({
    id: z.uuid(),
    ownerType: z.enum(['customer', 'reseller']).meta({ description: 'a customer wallet, or a reseller’s commission wallet' }),
    ownerId: z.uuid(),
    resellerId: z.uuid().nullable().meta({ description: 'the customer’s reseller (or the reseller itself); null for a direct customer' }),
    currency: z.string(),
    balance: moneyOut('Σ of the ledger', '100.000000'),
    reserved: moneyOut('Σ of pending holds', '5.000000'),
    available: moneyOut('balance − reserved; may go down to −creditLimit', '95.000000'),
    creditLimit: moneyOut('how far below zero available may go', '0.000000'),
    creditStatus: z.enum(CREDIT_STATUSES),
    lowBalanceThreshold: moneyOut('wallet.low_balance is emitted when available crosses below it', '10.000000'),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({
    example: {
      id: EXAMPLE_IDS.wallet,
      ownerType: 'customer',
      ownerId: EXAMPLE_IDS.customer,
      resellerId: EXAMPLE_IDS.reseller,
      currency: 'EUR',
      balance: '100.000000',
      reserved: '5.000000',
      available: '95.000000',
      creditLimit: '0.000000',
      creditStatus: 'active',
      lowBalanceThreshold: '10.000000',
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
    },
  });

export const walletJson = (w: WalletRecord): z.infer<typeof walletSchema> => ({
  id: w.id,
  ownerType: w.ownerType,
  ownerId: w.ownerId,
  resellerId: w.resellerId,
  currency: w.currency,
  balance: money(w.balance),
  reserved: money(w.reserved),
  available: money(availableOf(w)),
  creditLimit: money(w.creditLimit),
  creditStatus: w.creditStatus,
  lowBalanceThreshold: money(w.lowBalanceThreshold),
  createdAt: iso(w.createdAt),
  updatedAt: iso(w.updatedAt),
});

export const transactionSchema = z
  .object({
    id: z.uuid(),
    walletId: z.uuid(),
    type: z.enum(ENTRY_TYPES),
    amount: moneyOut('signed change of the balance (0 for holds and their releases)', '-1.870000'),
    reservedChange: moneyOut('signed change of reserved', '-5.000000'),
    balanceAfter: moneyOut('balance after this entry', '98.130000'),
    reservedAfter: moneyOut('reserved after this entry', '0.000000'),
    reference: z.object({ kind: z.string(), id: z.string() }).nullable().meta({ description: 'the job, order, top-up… it is for' }),
    holdId: z.uuid().nullable(),
    refundOf: z.uuid().nullable().meta({ description: 'the charge a refund gives back' }),
    actor: z.object({ type: z.string(), id: z.string().nullable() }).meta({ description: 'who booked it (system for the sagas)' }),
    reason: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable().meta({ description: 'e.g. a job charge’s cost breakdown' }),
    createdAt: timestampSchema,
  })
  .meta({
    example: {
      id: EXAMPLE_IDS.transaction,
      walletId: EXAMPLE_IDS.wallet,
      type: 'charge',
      amount: '-1.870000',
      reservedChange: '-1.870000',
      balanceAfter: '98.130000',
      reservedAfter: '3.130000',
      reference: { kind: 'job', id: EXAMPLE_IDS.job },
      holdId: EXAMPLE_IDS.hold,
      refundOf: null,
      actor: { type: 'system', id: null },
      reason: null,
      details: { units: '93.5', unitPrice: '0.020000', gross: '1.870000', capped: false },
      createdAt: EXAMPLE_TIME,
    },
  });

export const transactionJson = (e: EntryRecord): z.infer<typeof transactionSchema> => ({
  id: e.id,
  walletId: e.walletId,
  type: e.type,
  amount: money(e.amount),
  reservedChange: money(e.reservedDelta),
  balanceAfter: money(e.balanceAfter),
  reservedAfter: money(e.reservedAfter),
  reference: e.referenceKind !== null && e.referenceId !== null ? { kind: e.referenceKind, id: e.referenceId } : null,
  holdId: e.holdId,
  refundOf: e.refundOf,
  actor: { type: e.actorType, id: e.actorId },
  reason: e.reason,
  details: e.details,
  createdAt: iso(e.createdAt),
});

export const walletListQuery = listQuery({
  ownerType: z.enum(['customer', 'reseller']).optional(),
  ownerId: z.uuid().optional().meta({ description: 'the customer or reseller owning the wallet', example: EXAMPLE_IDS.customer }),
  creditStatus: z.enum(CREDIT_STATUSES).optional(),
});

/** `type=charge,refund` or `type=charge&type=refund`. */
const typeFilter = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((t) => t.trim()).filter((t) => t.length > 0))
  .pipe(z.array(z.enum(ENTRY_TYPES)))
  .optional()
  .meta({ description: `entry types, comma-separated: ${ENTRY_TYPES.join(', ')}`, example: 'charge,refund' });

export const transactionListQuery = listQuery({
  type: typeFilter,
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'entries at or after this time', example: EXAMPLE_TIME }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'entries before this time', example: EXAMPLE_TIME }),
  format: z.enum(['json', 'csv']).default('json').meta({ description: 'csv: every matching entry as text/csv (limit and cursor ignored)', example: 'csv' }),
});

/** A positive amount with at most 6 decimals, parsed into micro-units. */
export const positiveAmount = z
  .string()
  .regex(POSITIVE_MONEY_PATTERN, 'must be a decimal string greater than zero with at most 6 decimals, e.g. "12.5"')
  .transform((value, ctx) => {
    try {
      return parseMoney(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is out of range' });
      return z.NEVER;
    }
  })
  .meta({ description: 'a decimal string greater than zero, at most 6 decimals', example: '50.00' });

export const creditBody = z
  .strictObject({
    amount: positiveAmount,
    currency: knownCurrency,
    kind: z.enum(['topup', 'adjustment']).default('topup').meta({ description: 'topup (default), or adjustment (admins only)' }),
    reason: z.string().trim().min(1).max(500).meta({ description: 'why; kept on the ledger entry', example: 'bank transfer 2026-12-04' }),
  })
  .meta({ example: { amount: '50.00', currency: 'EUR', kind: 'topup', reason: 'bank transfer 2026-12-04' } });

/** A non-negative amount with at most 6 decimals, parsed into micro-units. */
const nonNegativeAmount = (description: string, example: string) =>
  z
    .string()
    .regex(NON_NEGATIVE_MONEY_PATTERN, 'must be a non-negative decimal string with at most 6 decimals, e.g. "100"')
    .transform((value, ctx) => {
      try {
        return parseMoney(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is out of range' });
        return z.NEVER;
      }
    })
    .meta({ description, example });

export const creditSettingsBody = z
  .strictObject({
    creditLimit: nonNegativeAmount('how far below zero available may go', '500.00').optional(),
    creditStatus: z.enum(CREDIT_STATUSES).optional().meta({ description: 'anything but active refuses new holds and orders' }),
    lowBalanceThreshold: nonNegativeAmount('wallet.low_balance fires when available crosses below it', '10.00').optional(),
    reason: z.string().trim().min(1).max(500).meta({ description: 'why; kept in the wallet’s audit trail', example: 'credit approved by finance' }),
  })
  .refine((b) => b.creditLimit !== undefined || b.creditStatus !== undefined || b.lowBalanceThreshold !== undefined, {
    message: 'set at least one of creditLimit, creditStatus, lowBalanceThreshold',
  })
  .meta({ example: { creditLimit: '500.00', reason: 'credit approved by finance' } });

export const refundBody = z
  .strictObject({
    transactionId: z.uuid().meta({ description: 'the charge to refund (a ledger entry of this wallet)', example: EXAMPLE_IDS.transaction }),
    amount: positiveAmount.optional().meta({ description: 'default: all that is left of the charge', example: '1.00' }),
    reason: z.string().trim().min(1).max(500).meta({ description: 'why; kept on the ledger entry', example: 'job ran on a faulty runner' }),
  })
  .meta({ example: { transactionId: EXAMPLE_IDS.transaction, amount: '1.00', reason: 'job ran on a faulty runner' } });
