// Request and response schemas of /v1/payouts and /v1/payout-methods.
import { z } from 'zod';
import type { PayoutMethodRecord, PayoutRecord } from '../data/payout.repository';
import { EXAMPLE_IDS, EXAMPLE_TIME, iso, listQuery, money, moneyOut, nullableTimestampSchema, timestampSchema } from './common.schemas';
import { positiveAmount } from './wallets.schemas';

export const EXAMPLE_PAYOUT_ID = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
export const EXAMPLE_METHOD_ID = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6f';

/** ISO 13616 check: moved four characters, letters as numbers, mod 97 = 1. */
function ibanChecks(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const digits = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

const iban = z
  .string()
  .transform((v) => v.replace(/\s+/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/, 'is not an IBAN').refine(ibanChecks, 'has a wrong check digit'))
  .meta({ description: 'the account’s IBAN (spaces allowed)', example: 'DE89 3704 0044 0532 0130 00' });

const label = z.string().trim().min(1).max(100).optional().meta({ description: 'a name for it', example: 'main account' });

export const payoutMethodBody = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('bank_transfer'),
      label,
      accountHolder: z.string().trim().min(1).max(200).meta({ example: 'Acme Reseller GmbH' }),
      iban,
      bic: z.string().regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, 'is not a BIC').optional().meta({ example: 'COBADEFFXXX' }),
    }),
    z.strictObject({ kind: z.literal('paypal'), label, email: z.email().max(254).meta({ example: 'payouts@acme.example' }) }),
  ])
  .meta({ example: { kind: 'bank_transfer', label: 'main account', accountHolder: 'Acme Reseller GmbH', iban: 'DE89 3704 0044 0532 0130 00' } });

export const payoutMethodSchema = z
  .object({
    id: z.uuid(),
    resellerId: z.uuid(),
    kind: z.enum(['bank_transfer', 'paypal']),
    label: z.string().nullable(),
    masked: z.string().meta({ description: 'the details, masked: the full details are never answered' }),
    createdAt: timestampSchema,
  })
  .meta({ example: { id: EXAMPLE_METHOD_ID, resellerId: EXAMPLE_IDS.reseller, kind: 'bank_transfer', label: 'main account', masked: 'DE89 •••• 3000', createdAt: EXAMPLE_TIME } });

export const payoutMethodJson = (m: PayoutMethodRecord): z.infer<typeof payoutMethodSchema> => ({
  id: m.id,
  resellerId: m.resellerId,
  kind: m.kind,
  label: m.label,
  masked: m.masked,
  createdAt: iso(m.createdAt),
});

export const payoutMethodListQuery = listQuery({
  resellerId: z.uuid().optional().meta({ description: 'admins: one reseller’s', example: EXAMPLE_IDS.reseller }),
});

export const payoutBody = z
  .strictObject({ amount: positiveAmount.meta({ description: 'in the earnings wallet’s currency', example: '120.00' }), methodId: z.uuid().meta({ description: 'one of your payout methods', example: EXAMPLE_METHOD_ID }) })
  .meta({ example: { amount: '120.00', methodId: EXAMPLE_METHOD_ID } });

export const completeBody = z
  .strictObject({ reference: z.string().trim().min(1).max(200).meta({ description: 'the transfer’s reference at the bank or PayPal', example: 'SEPA-2026-12-05-0042' }) })
  .meta({ example: { reference: 'SEPA-2026-12-05-0042' } });

export const failBody = z
  .strictObject({ reason: z.string().trim().min(1).max(500).meta({ description: 'why it could not be sent', example: 'account closed' }) })
  .meta({ example: { reason: 'account closed' } });

export const payoutSchema = z
  .object({
    id: z.uuid(),
    resellerId: z.uuid(),
    walletId: z.uuid(),
    methodId: z.uuid(),
    amount: moneyOut('withdrawn from the earnings wallet', '120.000000'),
    currency: z.string(),
    status: z.enum(['requested', 'processing', 'completed', 'failed']),
    reference: z.string().nullable().meta({ description: 'the transfer’s reference, once completed' }),
    failureReason: z.string().nullable(),
    processingAt: nullableTimestampSchema,
    completedAt: nullableTimestampSchema,
    failedAt: nullableTimestampSchema,
    createdAt: timestampSchema,
  })
  .meta({
    example: {
      id: EXAMPLE_PAYOUT_ID,
      resellerId: EXAMPLE_IDS.reseller,
      walletId: EXAMPLE_IDS.wallet,
      methodId: EXAMPLE_METHOD_ID,
      amount: '120.000000',
      currency: 'EUR',
      status: 'requested',
      reference: null,
      failureReason: null,
      processingAt: null,
      completedAt: null,
      failedAt: null,
      createdAt: EXAMPLE_TIME,
    },
  });

export const payoutJson = (p: PayoutRecord): z.infer<typeof payoutSchema> => ({
  id: p.id,
  resellerId: p.resellerId,
  walletId: p.walletId,
  methodId: p.methodId,
  amount: money(p.amount),
  currency: p.currency,
  status: p.status,
  reference: p.reference,
  failureReason: p.failureReason,
  processingAt: p.processingAt ? iso(p.processingAt) : null,
  completedAt: p.completedAt ? iso(p.completedAt) : null,
  failedAt: p.failedAt ? iso(p.failedAt) : null,
  createdAt: iso(p.createdAt),
});

export const payoutListQuery = listQuery({
  resellerId: z.uuid().optional().meta({ description: 'admins: one reseller’s', example: EXAMPLE_IDS.reseller }),
  status: z.enum(['requested', 'processing', 'completed', 'failed']).optional(),
});
