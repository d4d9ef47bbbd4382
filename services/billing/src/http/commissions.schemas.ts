// Request and response schemas of /v1/commissions and the earnings summary (/v1/resellers/{id}/earnings).
import { z } from 'zod';
import { RESELLER_TIERS } from '@runfleet/contracts';
import type { CommissionRecord, StatusTotals } from '../data/commission.repository';
import type { EarningsSummary } from '../domain/earnings-summary';
import { availableOf } from '../domain/wallet-rules';
import { EXAMPLE_IDS, EXAMPLE_TIME, iso, listQuery, money, moneyOut, nullableTimestampSchema, timestampSchema } from './common.schemas';

export const EXAMPLE_COMMISSION_ID = '6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c';

export const commissionSchema = z
  .object({
    id: z.uuid(),
    resellerId: z.uuid(),
    customerId: z.uuid().meta({ description: 'the customer whose purchase earned it' }),
    kind: z.enum(['earning', 'clawback']).meta({ description: 'an earning, or a clawback (negative) of the refunded share of one' }),
    clawbackOf: z.uuid().nullable().meta({ description: 'the earning a clawback takes back' }),
    source: z.object({ kind: z.enum(['job', 'order']), id: z.uuid() }).meta({ description: 'the job charged or the order fulfilled' }),
    transactionId: z.uuid().nullable().meta({ description: 'the customer’s charge (earning) or refund (clawback) ledger entry' }),
    base: moneyOut('the sale it is on (negative: the refunded part)', '120.000000'),
    rateBps: z.number().int().meta({ description: 'the reseller’s rate, basis points' }),
    tier: z.enum(RESELLER_TIERS),
    tierBonusBps: z.number().int().meta({ description: 'the tier’s bonus on top, basis points' }),
    amount: moneyOut('base × (rate + bonus) ÷ 10,000, rounded half down to the micro-unit (negative for a clawback)', '16.800000'),
    credited: moneyOut('how much of it is on the earnings wallet (a clawback may be owed in part)', '16.800000'),
    currency: z.string(),
    status: z.enum(['pending', 'approved', 'paid']),
    earnedAt: timestampSchema,
    approvedAt: nullableTimestampSchema,
    paidAt: nullableTimestampSchema,
    payoutId: z.uuid().nullable().meta({ description: 'the payout that completed its payment' }),
    invoiceId: z.uuid().nullable().meta({ description: 'the commission invoice it is on' }),
    createdAt: timestampSchema,
  })
  .meta({
    example: {
      id: EXAMPLE_COMMISSION_ID,
      resellerId: EXAMPLE_IDS.reseller,
      customerId: EXAMPLE_IDS.customer,
      kind: 'earning',
      clawbackOf: null,
      source: { kind: 'job', id: EXAMPLE_IDS.job },
      transactionId: EXAMPLE_IDS.transaction,
      base: '120.000000',
      rateBps: 1200,
      tier: 'gold',
      tierBonusBps: 200,
      amount: '16.800000',
      credited: '0.000000',
      currency: 'EUR',
      status: 'pending',
      earnedAt: EXAMPLE_TIME,
      approvedAt: null,
      paidAt: null,
      payoutId: null,
      invoiceId: null,
      createdAt: EXAMPLE_TIME,
    },
  });

export const commissionJson = (c: CommissionRecord): z.infer<typeof commissionSchema> => ({
  id: c.id,
  resellerId: c.resellerId,
  customerId: c.customerId,
  kind: c.kind,
  clawbackOf: c.clawbackOf,
  source: { kind: c.sourceKind, id: c.sourceId },
  transactionId: c.chargeEntryId,
  base: money(c.base),
  rateBps: c.rateBps,
  tier: c.tier as (typeof RESELLER_TIERS)[number],
  tierBonusBps: c.tierBonusBps,
  amount: money(c.amount),
  credited: money(c.booked),
  currency: c.currency,
  status: c.status,
  earnedAt: iso(c.earnedAt),
  approvedAt: c.approvedAt ? iso(c.approvedAt) : null,
  paidAt: c.paidAt ? iso(c.paidAt) : null,
  payoutId: c.payoutId,
  invoiceId: c.invoiceId,
  createdAt: iso(c.createdAt),
});

export const commissionListQuery = listQuery({
  resellerId: z.uuid().optional().meta({ description: 'admins: one reseller’s (a reseller always sees only its own)', example: EXAMPLE_IDS.reseller }),
  customerId: z.uuid().optional().meta({ description: 'one customer’s', example: EXAMPLE_IDS.customer }),
  status: z.enum(['pending', 'approved', 'paid']).optional(),
  kind: z.enum(['earning', 'clawback']).optional(),
  sourceKind: z.enum(['job', 'order']).optional(),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'earned at or after this time', example: EXAMPLE_TIME }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'earned before this time', example: EXAMPLE_TIME }),
});

const totalsSchema = z.object({
  pending: moneyOut('earned, not yet approved (net of their clawbacks)', '16.800000'),
  approved: moneyOut('approved, not yet paid out', '100.000000'),
  paid: moneyOut('paid out', '250.000000'),
  clawedBack: moneyOut('taken back for refunds (a positive amount; already counted in the three above)', '8.400000'),
});

const totalsJson = (t: StatusTotals) => ({ pending: money(t.pending), approved: money(t.approved), paid: money(t.paid), clawedBack: money(t.clawedBack) });

export const earningsSchema = z
  .object({
    resellerId: z.uuid(),
    currency: z.string(),
    totals: totalsSchema,
    wallet: z
      .object({
        balance: moneyOut('the earnings wallet’s balance: Σ of its ledger', '100.000000'),
        reserved: moneyOut('held for payouts in progress', '0.000000'),
        available: moneyOut('what may be paid out now', '100.000000'),
        commissionsCredited: moneyOut('Σ of its ledger entries of type commission = approved + paid − owed', '350.000000'),
        payoutsPaid: moneyOut('Σ of its ledger entries of type payout (negative)', '-250.000000'),
        owed: moneyOut('clawbacks not yet taken off the wallet: the next approvals pay them first', '0.000000'),
      })
      .meta({ description: 'the earnings wallet, from the ledger' }),
    byMonth: z.array(totalsSchema.extend({ month: z.string().meta({ description: 'YYYY-MM (UTC) the commissions were earned in', example: '2026-12' }) })),
    thisMonth: z
      .object({
        month: z.string().meta({ description: 'YYYY-MM (UTC), the current month', example: '2026-12' }),
        sales: moneyOut('sales commission was earned on since the first of the month (UTC)', '1200.000000'),
      })
      .meta({ description: 'the current month so far' }),
    byCustomer: z.array(totalsSchema.extend({ customerId: z.uuid() })),
    tier: z
      .object({
        tier: z.enum(RESELLER_TIERS),
        rateBps: z.number().int(),
        tierBonusBps: z.number().int(),
        windowDays: z.number().int(),
        trailingSales: moneyOut('sales commission was earned on in the trailing window, net of refunds', '4200.000000'),
        next: z
          .object({ tier: z.enum(RESELLER_TIERS), threshold: moneyOut('trailing sales from which it applies', '10000.000000'), remaining: moneyOut('sales still needed', '5800.000000'), tierBonusBps: z.number().int() })
          .nullable()
          .meta({ description: 'null at platinum' }),
      })
      .nullable()
      .meta({ description: 'null until billing has seen the reseller’s terms' }),
  })
  .meta({ description: 'A reseller’s earnings summary' });

export const earningsJson = (s: EarningsSummary): z.infer<typeof earningsSchema> => ({
  resellerId: s.resellerId,
  currency: s.wallet.currency,
  totals: totalsJson(s.totals),
  wallet: {
    balance: money(s.wallet.balance),
    reserved: money(s.wallet.reserved),
    available: money(availableOf(s.wallet)),
    commissionsCredited: money(s.ledger.commissions),
    payoutsPaid: money(s.ledger.payouts),
    owed: money(s.owed),
  },
  byMonth: s.byMonth.map((m) => ({ month: m.month, ...totalsJson(m) })),
  thisMonth: { month: s.thisMonth.month, sales: money(s.thisMonth.sales) },
  byCustomer: s.byCustomer.map((c) => ({ customerId: c.customerId, ...totalsJson(c) })),
  tier: s.tier && {
    tier: s.tier.tier,
    rateBps: s.tier.rateBps,
    tierBonusBps: s.tier.tierBonusBps,
    windowDays: s.tier.windowDays,
    trailingSales: money(s.tier.trailingSales),
    next: s.tier.next && { tier: s.tier.next.tier, threshold: money(s.tier.next.threshold), remaining: money(s.tier.next.remaining), tierBonusBps: s.tier.next.tierBonusBps },
  },
});
