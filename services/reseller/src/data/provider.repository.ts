// External providers in the database: explicit selects, plain records out; every function takes
// the client or a transaction client.
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

const providerSelect = {
  id: true,
  name: true,
  description: true,
  active: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.ProviderSelect;

export type ProviderRecord = Prisma.ProviderGetPayload<{ select: typeof providerSelect }>;

/** A provider as one reseller sees it: with its relationship to that provider, if any. */
export type ProviderWithRelationship = ProviderRecord & {
  relationship: { id: string; status: string; commissionBps: number } | null;
};

export interface NewProvider {
  name: string;
  description?: string;
  active?: boolean;
}

export type ProviderChanges = Partial<NewProvider>;

export interface ProviderListFilters {
  active?: boolean;
  /** case-insensitive substring of the name */
  q?: string;
  cursor?: string;
  limit: number;
}

export function insertProvider(db: Db, data: NewProvider): Promise<ProviderRecord> {
  return db.provider.create({ data, select: providerSelect });
}

export function findProvider(db: Db, id: string, options: { activeOnly?: boolean } = {}): Promise<ProviderRecord | null> {
  return db.provider.findFirst({ where: { id, ...(options.activeOnly ? { active: true } : {}) }, select: providerSelect });
}

/** Reads and row-locks a provider inside a transaction (update and delete see each other's result). */
export async function lockProvider(tx: Db, id: string): Promise<ProviderRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "provider" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findProvider(tx, id);
}

export function updateProvider(db: Db, id: string, changes: ProviderChanges): Promise<ProviderRecord> {
  return db.provider.update({ where: { id }, data: changes, select: providerSelect });
}

function listWhere(filters: ProviderListFilters): Prisma.ProviderWhereInput {
  return {
    ...(filters.active !== undefined ? { active: filters.active } : {}),
    ...(filters.q !== undefined ? { name: { contains: filters.q, mode: 'insensitive' } } : {}),
    ...afterCursor(filters.cursor),
  };
}

export async function listProviders(db: Db, filters: ProviderListFilters): Promise<Page<ProviderRecord>> {
  const rows = await db.provider.findMany({ where: listWhere(filters), orderBy: NEWEST_FIRST, take: filters.limit + 1, select: providerSelect });
  return toPage(rows, filters.limit);
}

/** Providers with the given reseller's relationship to each (one query, the relationship joined in). */
export async function listProvidersForReseller(
  db: Db,
  resellerId: string,
  filters: ProviderListFilters & { related?: boolean },
): Promise<Page<ProviderWithRelationship>> {
  const related =
    filters.related === undefined
      ? {}
      : filters.related
        ? { relationships: { some: { resellerId } } }
        : { relationships: { none: { resellerId } } };
  const rows = await db.provider.findMany({
    where: { ...listWhere(filters), ...related },
    orderBy: NEWEST_FIRST,
    take: filters.limit + 1,
    select: { ...providerSelect, relationships: { where: { resellerId }, select: { id: true, status: true, commissionBps: true } } },
  });
  return toPage(
    rows.map(({ relationships, ...provider }) => ({ ...provider, relationship: relationships[0] ?? null })),
    filters.limit,
  );
}

export async function findProviderForReseller(db: Db, id: string, resellerId: string): Promise<ProviderWithRelationship | null> {
  const row = await db.provider.findFirst({
    where: { id, active: true },
    select: { ...providerSelect, relationships: { where: { resellerId }, select: { id: true, status: true, commissionBps: true } } },
  });
  if (!row) return null;
  const { relationships, ...provider } = row;
  return { ...provider, relationship: relationships[0] ?? null };
}

/** Whether anything outside the catalog points at the provider: an order, or a reseller's relationship. */
export async function providerIsReferenced(db: Db, id: string): Promise<boolean> {
  const order = await db.resellerOrder.findFirst({ where: { providerId: id }, select: { id: true } });
  if (order) return true;
  const relationship = await db.resellerRelationship.findFirst({ where: { providerId: id }, select: { id: true } });
  return relationship !== null;
}

/** Deletes the provider and its offerings; fails with a foreign-key error if an order or relationship appeared meanwhile. */
export async function deleteProviderWithOfferings(tx: Db, id: string): Promise<void> {
  await tx.offering.deleteMany({ where: { providerId: id } });
  await tx.provider.delete({ where: { id }, select: { id: true } });
}
