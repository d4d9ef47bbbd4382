// Offerings of external providers in the database, and the marketplace read over them: explicit
// selects, plain records out; every function takes the client or a transaction client.
import { z } from 'zod';
import { decodeCursor, encodeCursor, type Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import type { ResellerTier } from './reseller.repository';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

const offeringSelect = {
  id: true,
  providerId: true,
  name: true,
  description: true,
  basePriceMicros: true,
  currency: true,
  unit: true,
  active: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.OfferingSelect;

export type OfferingRecord = Prisma.OfferingGetPayload<{ select: typeof offeringSelect }>;

export interface NewOffering {
  providerId: string;
  name: string;
  description?: string;
  basePriceMicros: bigint;
  currency: string;
  unit: string;
  active?: boolean;
}

export type OfferingChanges = Partial<Omit<NewOffering, 'providerId'>>;

export interface OfferingListFilters {
  providerId: string;
  active?: boolean;
  q?: string;
  cursor?: string;
  limit: number;
}

/** Offerings resellers may see: active, of an active provider. */
const visibleToResellers: Prisma.OfferingWhereInput = { active: true, provider: { active: true } };

export function insertOffering(db: Db, data: NewOffering): Promise<OfferingRecord> {
  return db.offering.create({ data, select: offeringSelect });
}

export function findOffering(db: Db, id: string, options: { visibleToResellers?: boolean } = {}): Promise<OfferingRecord | null> {
  return db.offering.findFirst({ where: { id, ...(options.visibleToResellers ? visibleToResellers : {}) }, select: offeringSelect });
}

export async function lockOffering(tx: Db, id: string): Promise<OfferingRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "offering" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findOffering(tx, id);
}

export function updateOffering(db: Db, id: string, changes: OfferingChanges): Promise<OfferingRecord> {
  return db.offering.update({ where: { id }, data: changes, select: offeringSelect });
}

export async function offeringIsOrdered(db: Db, id: string): Promise<boolean> {
  return (await db.resellerOrder.findFirst({ where: { offeringId: id }, select: { id: true } })) !== null;
}

export async function deleteOffering(db: Db, id: string): Promise<void> {
  await db.offering.delete({ where: { id }, select: { id: true } });
}

export async function listOfferings(
  db: Db,
  filters: OfferingListFilters,
  options: { visibleToResellers?: boolean } = {},
): Promise<Page<OfferingRecord>> {
  const where: Prisma.OfferingWhereInput = {
    providerId: filters.providerId,
    ...(options.visibleToResellers ? visibleToResellers : {}),
    ...(filters.active !== undefined ? { AND: [{ active: filters.active }] } : {}),
    ...(filters.q !== undefined ? { name: { contains: filters.q, mode: 'insensitive' } } : {}),
    ...afterCursor(filters.cursor),
  };
  const rows = await db.offering.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: offeringSelect });
  return toPage(rows, filters.limit);
}

// ---- the marketplace ---------------------------------------------------------------------------

/** The reseller whose relationship marks a marketplace offering up: the badge a customer sees. */
export interface MarketplaceReseller {
  id: string;
  name: string;
  tier: ResellerTier;
}

/** One row of the marketplace before pricing: the offering, its provider, and the commission that applies. */
export interface MarketplaceRow {
  offering: OfferingRecord;
  providerName: string;
  /** the reseller's commission on this provider; 0 for a direct customer */
  commissionBps: number;
  /** the reseller selling it; null for a direct customer (every offering at base price) */
  reseller: MarketplaceReseller | null;
}

export interface MarketplaceFilters {
  /** whose marketplace: the customer's reseller, or null for a direct customer */
  resellerId: string | null;
  providerId?: string;
  q?: string;
  currency?: string;
  cursor?: string;
  limit: number;
}

// The marketplace reads alphabetically, so its cursor is the (name, id) of the last row served.
const nameCursorSchema = z.tuple([z.string(), z.uuid()]);

/**
 * Active offerings of active providers; for a reseller's customer only those of providers the
 * reseller resells through an ACTIVE relationship (a suspended one hides them).
 */
export async function listMarketplaceRows(db: Db, filters: MarketplaceFilters): Promise<Page<MarketplaceRow>> {
  const through = filters.resellerId === null ? {} : { relationships: { some: { resellerId: filters.resellerId, status: 'active' } } };
  const after = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor, nameCursorSchema);
  const where: Prisma.OfferingWhereInput = {
    active: true,
    provider: { active: true, ...through },
    ...(filters.providerId !== undefined ? { providerId: filters.providerId } : {}),
    ...(filters.currency !== undefined ? { currency: filters.currency } : {}),
    ...(filters.q !== undefined ? { name: { contains: filters.q, mode: 'insensitive' } } : {}),
    ...(after ? { OR: [{ name: { gt: after[0] } }, { name: after[0], id: { gt: after[1] } }] } : {}),
  };
  const rows = await db.offering.findMany({
    where,
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: filters.limit + 1,
    select: { ...offeringSelect, provider: { select: { name: true, relationships: relationshipOf(filters.resellerId) } } },
  });
  const items = rows.slice(0, filters.limit).map(toMarketplaceRow);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > filters.limit && last ? encodeCursor([last.offering.name, last.offering.id]) : null };
}

/** One offering as the marketplace of `resellerId` (null: direct) shows it, or null when it is not in it. */
export async function findMarketplaceRow(db: Db, offeringId: string, resellerId: string | null): Promise<MarketplaceRow | null> {
  const through = resellerId === null ? {} : { relationships: { some: { resellerId, status: 'active' } } };
  const row = await db.offering.findFirst({
    where: { id: offeringId, active: true, provider: { active: true, ...through } },
    select: { ...offeringSelect, provider: { select: { name: true, relationships: relationshipOf(resellerId) } } },
  });
  return row ? toMarketplaceRow(row) : null;
}

function relationshipOf(resellerId: string | null) {
  // A direct customer has no reseller: match nothing (the nil uuid is never a reseller id).
  return {
    where: { resellerId: resellerId ?? '00000000-0000-0000-0000-000000000000', status: 'active' },
    select: { commissionBps: true, reseller: { select: { id: true, name: true, tier: true } } },
  };
}

function toMarketplaceRow(
  row: OfferingRecord & { provider: { name: string; relationships: { commissionBps: number; reseller: { id: string; name: string; tier: string } }[] } },
): MarketplaceRow {
  const { provider, ...offering } = row;
  const relationship = provider.relationships[0];
  // tier narrowed to the four tiers the column's CHECK constraint allows
  const reseller = relationship ? { ...relationship.reseller, tier: relationship.reseller.tier as ResellerTier } : null;
  return { offering, providerName: provider.name, commissionBps: relationship?.commissionBps ?? 0, reseller };
}
