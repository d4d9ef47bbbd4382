// Billing's read model of each reseller's commission terms (issue 16 item 1): the rate and tier the
// reseller service announces, and the tier's bonus. Written only by the commissions consumer.
import type { Db } from '../db';

export interface ResellerTermsRecord {
  resellerId: string;
  commissionRateBps: number;
  tier: string;
  tierBonusBps: number;
  active: boolean;
  updatedAt: Date;
}

export interface TermsChange {
  resellerId: string;
  commissionRateBps?: number;
  tier?: string;
  tierBonusBps?: number;
  active?: boolean;
}

/**
 * Inserts the reseller's terms or changes the given fields. A reseller.updated or tier_changed
 * that arrives before reseller.created (a retry reorders them) needs all four to insert: `initial`.
 */
export async function upsertTerms(tx: Db, change: TermsChange, initial: Omit<ResellerTermsRecord, 'resellerId' | 'updatedAt'>): Promise<void> {
  await tx.resellerTerms.upsert({
    where: { resellerId: change.resellerId },
    create: { resellerId: change.resellerId, ...initial },
    update: {
      ...(change.commissionRateBps !== undefined ? { commissionRateBps: change.commissionRateBps } : {}),
      ...(change.tier !== undefined ? { tier: change.tier } : {}),
      ...(change.tierBonusBps !== undefined ? { tierBonusBps: change.tierBonusBps } : {}),
      ...(change.active !== undefined ? { active: change.active } : {}),
      updatedAt: new Date(),
    },
  });
}

export async function findTerms(db: Db, resellerId: string): Promise<ResellerTermsRecord | null> {
  return db.resellerTerms.findUnique({
    where: { resellerId },
    select: { resellerId: true, commissionRateBps: true, tier: true, tierBonusBps: true, active: true, updatedAt: true },
  });
}
