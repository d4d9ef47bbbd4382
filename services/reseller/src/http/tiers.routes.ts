// GET /v1/resellers/:resellerId/tier: a reseller's tier, the trailing sales that decided it and
// what the next tier takes (DESIGN.md §2 tiers). Admins any reseller, a reseller itself.
import { z } from 'zod';
import { formatMoney } from '@runfleet/contracts';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import { actorOf } from '../domain/actor';
import { readTierStanding, type TierStanding } from '../domain/read-tier';
import type { TierDeps } from '../domain/recompute-tier';
import { TIERS } from '../domain/tier-rules';
import { moneyOut } from './commerce.schemas';
import { EXAMPLE_IDS, idParams, iso, timestampSchema } from './common.schemas';

const tierSchema = z.enum(TIERS as [string, ...string[]]);

export const tierStandingSchema = z
  .object({
    resellerId: z.uuid(),
    tier: tierSchema,
    tierBonusBps: z.number().int().meta({ description: 'commission bonus of this tier, basis points' }),
    windowDays: z.number().int(),
    trailingSales: z.object({
      since: timestampSchema,
      currency: z.string().meta({ description: 'the reseller’s currency; sales in other currencies do not count' }),
      amount: moneyOut('sum of the sales since `since`', '12000.000000'),
      count: z.number().int(),
      jobCharges: moneyOut('of which customers’ job charges', '9500.000000'),
      orders: moneyOut('of which paid orders', '2500.000000'),
    }),
    nextTier: z
      .object({
        tier: tierSchema,
        threshold: moneyOut('trailing sales from which it applies', '50000.000000'),
        remaining: moneyOut('sales still needed', '38000.000000'),
        tierBonusBps: z.number().int(),
      })
      .nullable()
      .meta({ description: 'null at platinum' }),
    thresholds: z.object({ silver: z.string(), gold: z.string(), platinum: z.string() }),
  })
  .meta({
    example: {
      resellerId: EXAMPLE_IDS.reseller,
      tier: 'gold',
      tierBonusBps: 250,
      windowDays: 90,
      trailingSales: {
        since: '2026-08-24T10:15:00.000Z',
        currency: 'EUR',
        amount: '12000.000000',
        count: 37,
        jobCharges: '9500.000000',
        orders: '2500.000000',
      },
      nextTier: { tier: 'platinum', threshold: '50000.000000', remaining: '38000.000000', tierBonusBps: 500 },
      thresholds: { silver: '1000.000000', gold: '10000.000000', platinum: '50000.000000' },
    },
  });

export const tierStandingJson = (s: TierStanding): z.infer<typeof tierStandingSchema> => ({
  resellerId: s.decision.resellerId,
  tier: s.decision.tier,
  tierBonusBps: s.tierBonusBps,
  windowDays: s.windowDays,
  trailingSales: {
    since: iso(s.decision.since),
    currency: s.decision.currency,
    amount: formatMoney(s.decision.sales.totalMicros),
    count: s.decision.sales.count,
    jobCharges: formatMoney(s.decision.sales.jobChargesMicros),
    orders: formatMoney(s.decision.sales.ordersMicros),
  },
  nextTier: s.next && {
    tier: s.next.tier,
    threshold: formatMoney(s.next.thresholdMicros),
    remaining: formatMoney(s.next.remainingMicros),
    tierBonusBps: s.next.tierBonusBps,
  },
  thresholds: {
    silver: formatMoney(s.thresholds.silver),
    gold: formatMoney(s.thresholds.gold),
    platinum: formatMoney(s.thresholds.platinum),
  },
});

export function registerTierRoutes(api: ApiRoutes, deps: TierDeps): void {
  api.route(
    {
      method: 'get',
      path: '/v1/resellers/:resellerId/tier',
      summary: 'A reseller’s tier and the sales behind it',
      description:
        'Admins any reseller, a reseller itself (another’s is 404). The tier comes from the sales of the trailing window ' +
        '(customers’ job charges and paid orders, in the reseller’s currency, from billing’s events); reading it applies ' +
        'a demotion that is due. The tier bonus is paid on top of the reseller’s commission by billing (it never changes ' +
        'a customer’s price).',
      tags: ['tiers'],
      request: { params: idParams('resellerId', EXAMPLE_IDS.reseller) },
      responses: { 200: { description: 'The tier standing', schema: tierStandingSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(tierStandingJson(await readTierStanding(deps, actorOf(principalFromRequest(req)), params.resellerId)));
    },
  );
}
