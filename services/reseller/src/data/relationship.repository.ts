// Reseller relationships (reseller × provider, commission, status) in the database: explicit
// selects, plain records out; every function takes the client or a transaction client.
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

const relationshipSelect = {
  id: true,
  resellerId: true,
  providerId: true,
  commissionBps: true,
  status: true,
  createdAt: true,
  updatedAt: true,
  provider: { select: { name: true } },
} satisfies Prisma.ResellerRelationshipSelect;

type Row = Prisma.ResellerRelationshipGetPayload<{ select: typeof relationshipSelect }>;
export type RelationshipRecord = Omit<Row, 'provider'> & { providerName: string };

function toRecord({ provider, ...rest }: Row): RelationshipRecord {
  return { ...rest, providerName: provider.name };
}

export interface NewRelationship {
  resellerId: string;
  providerId: string;
  commissionBps: number;
}

export interface RelationshipChanges {
  commissionBps?: number;
  status?: 'active' | 'suspended';
}

export interface RelationshipListFilters {
  /** a reseller's own, or an admin's filter */
  resellerId?: string;
  providerId?: string;
  status?: 'active' | 'suspended';
  cursor?: string;
  limit: number;
}

/** Fails with a unique violation when the pair already has one (the loser of a race included). */
export async function insertRelationship(db: Db, data: NewRelationship): Promise<RelationshipRecord> {
  return toRecord(await db.resellerRelationship.create({ data, select: relationshipSelect }));
}

/** `resellerId` scopes the lookup: another reseller's relationship is not found. */
export async function findRelationship(db: Db, id: string, scope: { resellerId?: string } = {}): Promise<RelationshipRecord | null> {
  const row = await db.resellerRelationship.findFirst({
    where: { id, ...(scope.resellerId !== undefined ? { resellerId: scope.resellerId } : {}) },
    select: relationshipSelect,
  });
  return row ? toRecord(row) : null;
}

/** Row-locks the relationship (within the scope) so concurrent updates see each other's result. */
export async function lockRelationship(tx: Db, id: string, scope: { resellerId?: string } = {}): Promise<RelationshipRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "reseller_relationship" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findRelationship(tx, id, scope);
}

export async function updateRelationship(db: Db, id: string, changes: RelationshipChanges): Promise<RelationshipRecord> {
  return toRecord(await db.resellerRelationship.update({ where: { id }, data: changes, select: relationshipSelect }));
}

export async function deleteRelationship(db: Db, id: string): Promise<void> {
  await db.resellerRelationship.delete({ where: { id }, select: { id: true } });
}

export async function listRelationships(db: Db, filters: RelationshipListFilters): Promise<Page<RelationshipRecord>> {
  const where: Prisma.ResellerRelationshipWhereInput = {
    ...(filters.resellerId !== undefined ? { resellerId: filters.resellerId } : {}),
    ...(filters.providerId !== undefined ? { providerId: filters.providerId } : {}),
    ...(filters.status !== undefined ? { status: filters.status } : {}),
    ...afterCursor(filters.cursor),
  };
  const rows = await db.resellerRelationship.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: relationshipSelect });
  return toPage(rows.map(toRecord), filters.limit);
}
