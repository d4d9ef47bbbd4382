// Price lists (issue 15 item 4): admins set a job type's price in a currency — a new version in
// force from `effectiveFrom` (default now) — or retire it; every version stays, so a job is
// priced with the version in force when it was submitted. Everyone may read prices.
import { insertPriceVersion, priceHistory, pricesInForce, versionInForce, type PriceListRecord, type PriceUnit } from '../data/price-list.repository';
import type { VolumeTier } from './job-price';
import { requireRole, type Actor } from './actor';
import { billingNotFound } from './billing-errors';
import type { UseCaseDeps } from './use-case-deps';

export interface PriceInput {
  jobType: string;
  unit: PriceUnit;
  unitPrice: bigint;
  currency: string;
  effectiveFrom?: Date;
  /** an override for this reseller's customers */
  resellerId?: string;
  tiers?: VolumeTier[];
}

export function setPrice(deps: UseCaseDeps, actor: Actor, input: PriceInput): Promise<PriceListRecord> {
  requireRole(actor, 'admin');
  return insertPriceVersion(deps.prisma, {
    jobType: input.jobType,
    unit: input.unit,
    unitPrice: input.unitPrice,
    currency: input.currency,
    retired: false,
    effectiveFrom: input.effectiveFrom ?? deps.now(),
    createdBy: `${actor.type}:${actor.id}`,
    resellerId: input.resellerId ?? null,
    tiers: input.tiers ?? [],
  });
}

/**
 * From now on the job type has no base price in `currency` (its jobs are refused: no_price), or,
 * with `resellerId`, that reseller's override ends and its customers pay the base price.
 */
export async function retirePrice(deps: UseCaseDeps, actor: Actor, jobType: string, currency: string, resellerId: string | null = null): Promise<PriceListRecord> {
  requireRole(actor, 'admin');
  const now = deps.now();
  const current = await versionInForce(deps.prisma, jobType, currency, resellerId, now);
  if (!current || current.retired) throw billingNotFound.priceList();
  return insertPriceVersion(deps.prisma, {
    jobType,
    unit: current.unit,
    unitPrice: current.unitPrice,
    currency,
    retired: true,
    effectiveFrom: now,
    createdBy: `${actor.type}:${actor.id}`,
    resellerId,
  });
}

export function listPrices(deps: UseCaseDeps): Promise<PriceListRecord[]> {
  return pricesInForce(deps.prisma, deps.now());
}

export async function listPriceVersions(deps: UseCaseDeps, jobType: string): Promise<PriceListRecord[]> {
  const versions = await priceHistory(deps.prisma, jobType);
  if (versions.length === 0) throw billingNotFound.priceList();
  return versions;
}

