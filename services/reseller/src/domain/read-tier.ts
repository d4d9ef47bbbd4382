// A reseller's tier standing (issue 4 "Tiers"): its tier, the trailing sales that put it there and
// the distance to the next tier. Reading it applies a demotion that is due (sales aged out since
// the last sweep), so the answer is always true at the moment it is given.
import { requireRole, type Actor } from './actor';
import { notFound } from './not-found';
import { recomputeTier, type TierDecision, type TierDeps } from './recompute-tier';
import { nextTier, type Tier, type TierPolicy } from './tier-rules';

export interface TierStanding {
  decision: TierDecision;
  tierBonusBps: number;
  windowDays: number;
  next: { tier: Tier; thresholdMicros: bigint; remainingMicros: bigint; tierBonusBps: number } | null;
  thresholds: TierPolicy['thresholds'];
}

export async function readTierStanding(deps: TierDeps, actor: Actor, resellerId: string): Promise<TierStanding> {
  requireRole(actor, 'admin', 'reseller');
  // Another reseller's standing answers like a missing reseller.
  if (actor.type === 'reseller' && actor.id !== resellerId) throw notFound.reseller();
  const now = deps.now();
  const decision = await deps.prisma.$transaction((tx) => recomputeTier(tx, resellerId, now, deps.tierPolicy));
  if (!decision) throw notFound.reseller();
  const policy = deps.tierPolicy;
  const next = nextTier(decision.tier, decision.sales.totalMicros, policy);
  return {
    decision,
    tierBonusBps: policy.bonusBps[decision.tier],
    windowDays: policy.windowDays,
    next: next && { ...next, tierBonusBps: policy.bonusBps[next.tier] },
    thresholds: policy.thresholds,
  };
}
