// Billing's copy of each reseller's commission terms (issue 16 item 1), from the reseller service's
// events, so a sale's commission is decided here without calling the reseller service (DESIGN.md §3).
// reseller.created and reseller.updated carry the rate and the tier but not the tier's bonus: that
// comes from the reseller service's TIER_BONUS_BPS, which billing reads as the same setting; a
// reseller.tier_changed carries the bonus itself and wins.
import type { EventData } from '@runfleet/contracts';
import { findTerms, upsertTerms } from '../data/reseller-terms.repository';
import type { Db } from '../db';
import type { EarningsPolicy } from './use-case-deps';

type Bonus = EarningsPolicy['tierBonusBps'];

export async function termsOnCreated(tx: Db, reseller: EventData<'reseller.created'>, bonus: Bonus): Promise<void> {
  const terms = { commissionRateBps: reseller.commissionRateBps, tier: reseller.tier, tierBonusBps: bonus[reseller.tier], active: true };
  await upsertTerms(tx, { resellerId: reseller.resellerId, ...terms }, terms);
}

export async function termsOnUpdated(tx: Db, reseller: EventData<'reseller.updated'>, bonus: Bonus): Promise<void> {
  const known = await findTerms(tx, reseller.resellerId);
  // the bonus a tier_changed announced for this very tier is kept
  const tierBonusBps = known && known.tier === reseller.tier ? known.tierBonusBps : bonus[reseller.tier];
  const terms = { commissionRateBps: reseller.commissionRateBps, tier: reseller.tier, tierBonusBps, active: reseller.active };
  await upsertTerms(tx, { resellerId: reseller.resellerId, ...terms }, terms);
}

export async function termsOnTierChanged(tx: Db, change: EventData<'reseller.tier_changed'>): Promise<void> {
  // a tier change that overtakes reseller.created: rate 0 until created (or updated) sets it
  await upsertTerms(
    tx,
    { resellerId: change.resellerId, tier: change.tier, tierBonusBps: change.tierBonusBps },
    { commissionRateBps: 0, tier: change.tier, tierBonusBps: change.tierBonusBps, active: true },
  );
}
