// Registration tokens in the database. Views never select the hash.
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import type { OwnerScope } from '../domain/actor';

export type TokenScope = 'shared' | 'customer';

const tokenSelect = {
  id: true,
  lookupId: true,
  last4: true,
  scope: true,
  customerId: true,
  resellerId: true,
  description: true,
  expiresAt: true,
  maxUses: true,
  uses: true,
  revokedAt: true,
  createdByType: true,
  createdById: true,
  createdAt: true,
} satisfies Prisma.RegistrationTokenSelect;

type TokenRow = Prisma.RegistrationTokenGetPayload<{ select: typeof tokenSelect }>;
export type RegistrationTokenRecord = Omit<TokenRow, 'scope'> & { scope: TokenScope };
const toRecord = (row: TokenRow): RegistrationTokenRecord => ({ ...row, scope: row.scope as TokenScope });

/** Shared tokens are an admin's: only `{ all: true }` sees them. */
function scopeWhere(scope: OwnerScope): Prisma.RegistrationTokenWhereInput {
  if ('all' in scope) return {};
  if ('resellerId' in scope) return { resellerId: scope.resellerId, scope: 'customer' };
  return { customerId: scope.customerId };
}

export interface NewRegistrationToken {
  lookupId: string;
  secretHash: string;
  last4: string;
  scope: TokenScope;
  customerId: string | null;
  resellerId: string | null;
  description: string;
  expiresAt: Date | null;
  maxUses: number | null;
  createdByType: string;
  createdById: string;
}

export async function insertRegistrationToken(db: Db, data: NewRegistrationToken): Promise<RegistrationTokenRecord> {
  return toRecord(await db.registrationToken.create({ data, select: tokenSelect }));
}

export async function findRegistrationToken(db: Db, scope: OwnerScope, id: string): Promise<RegistrationTokenRecord | null> {
  const row = await db.registrationToken.findFirst({ where: { AND: [{ id }, scopeWhere(scope)] }, select: tokenSelect });
  return row && toRecord(row);
}

/** Row-locks a token inside a transaction and reads it; null when missing or not visible. */
export async function lockRegistrationToken(tx: Db, scope: OwnerScope, id: string): Promise<RegistrationTokenRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "registration_token" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findRegistrationToken(tx, scope, id);
}

export async function updateRegistrationToken(db: Db, id: string, changes: { revokedAt?: Date; uses?: number }): Promise<RegistrationTokenRecord> {
  return toRecord(await db.registrationToken.update({ where: { id }, data: changes, select: tokenSelect }));
}

export interface RegistrationTokenListFilters {
  revoked?: boolean;
  cursor?: string;
  limit: number;
}

export async function listRegistrationTokens(db: Db, scope: OwnerScope, filters: RegistrationTokenListFilters): Promise<Page<RegistrationTokenRecord>> {
  const where: Prisma.RegistrationTokenWhereInput = {
    AND: [
      scopeWhere(scope),
      filters.revoked === true ? { revokedAt: { not: null } } : filters.revoked === false ? { revokedAt: null } : {},
      afterCursor(filters.cursor),
    ],
  };
  const rows = await db.registrationToken.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: tokenSelect });
  return toPage(rows.map(toRecord), filters.limit);
}

export async function findRegistrationTokenForVerification(
  db: Db,
  lookupId: string,
): Promise<(RegistrationTokenRecord & { secretHash: string }) | null> {
  const row = await db.registrationToken.findUnique({ where: { lookupId }, select: { ...tokenSelect, secretHash: true } });
  return row && { ...toRecord(row), secretHash: row.secretHash };
}
