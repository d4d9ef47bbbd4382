// Keeps a reseller's tier equal to what its trailing sales earn (DESIGN.md §2, §10): recomputed on
// every recorded sale and periodically, so sales ageing out of the window demote. A change updates
// reseller.tier and emits reseller.tier_changed (with the new tier's commission bonus) in the same
// transaction. The reseller row is locked while deciding, so concurrent sales and sweeps (several
// replicas) each see the other's result and a change is announced once.
import { formatMoney } from '@runfleet/contracts';
import type { Logger } from '@runfleet/service-kit';
import { recordAudit } from '../data/audit.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { lockReseller } from '../data/reseller.repository';
import { resellersToRecompute, setResellerTier, sumSales, type SalesSum } from '../data/sale.repository';
import type { Db } from '../db';
import { tierForSales, tierRank, windowStart, type Tier, type TierPolicy } from './tier-rules';
import type { UseCaseDeps } from './use-case-deps';

export interface TierDeps extends UseCaseDeps {
  tierPolicy: TierPolicy;
}

export interface TierDecision {
  resellerId: string;
  previousTier: Tier;
  tier: Tier;
  changed: boolean;
  /** sales in the reseller's currency since `since` */
  sales: SalesSum;
  since: Date;
  currency: string;
}

/** Call inside a transaction. Returns null when the reseller does not exist. */
export async function recomputeTier(tx: Db, resellerId: string, now: Date, policy: TierPolicy): Promise<TierDecision | null> {
  const reseller = await lockReseller(tx, resellerId);
  if (!reseller) return null;
  const since = windowStart(now, policy);
  // Sales count in the reseller's own currency, the one its thresholds are read in.
  const sales = await sumSales(tx, resellerId, reseller.currency, since);
  const previousTier = reseller.tier as Tier;
  const tier = tierForSales(sales.totalMicros, policy);
  const decision = { resellerId, previousTier, tier, changed: tier !== previousTier, sales, since, currency: reseller.currency };
  if (!decision.changed) return decision;

  await setResellerTier(tx, resellerId, tier);
  const direction = tierRank(tier) > tierRank(previousTier) ? 'promoted' : 'demoted';
  await emitEvents(tx, [
    event('reseller.tier_changed', {
      resellerId,
      previousTier,
      tier,
      direction,
      tierBonusBps: policy.bonusBps[tier],
      trailingSales: formatMoney(sales.totalMicros),
      currency: reseller.currency,
    }),
  ]);
  await recordAudit(tx, {
    actorType: 'service',
    actorId: 'reseller',
    action: 'reseller.tier_changed',
    targetType: 'reseller',
    targetId: resellerId,
    details: { from: previousTier, to: tier, trailingSales: formatMoney(sales.totalMicros), currency: reseller.currency },
    resellerId,
  });
  return decision;
}

export interface RecomputeAllResult {
  checked: number;
  changed: number;
}

/**
 * The periodic sweep: recomputes every reseller whose tier could be stale at `now` (above bronze,
 * or with sales in the window), one short transaction each. Safe to run on several replicas at once.
 */
export async function recomputeAllTiers(deps: TierDeps, log?: Logger, batchSize = 100): Promise<RecomputeAllResult> {
  const now = deps.now();
  const since = windowStart(now, deps.tierPolicy);
  const result: RecomputeAllResult = { checked: 0, changed: 0 };
  let after: string | null = null;
  for (;;) {
    const ids = await resellersToRecompute(deps.prisma, since, after, batchSize);
    for (const id of ids) {
      const decision = await deps.prisma.$transaction((tx) => recomputeTier(tx, id, now, deps.tierPolicy));
      result.checked += 1;
      if (decision?.changed) {
        result.changed += 1;
        log?.info({ resellerId: id, from: decision.previousTier, to: decision.tier }, 'reseller tier changed');
      }
    }
    if (ids.length < batchSize) return result;
    after = ids[ids.length - 1] ?? null;
  }
}
