// Customers in the database, always read through a visibility scope (issue 4 "Authorization"):
// the scope is part of every query, so a row the caller may not see is never loaded.
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

const customerSelect = {
  id: true,
  resellerId: true,
  name: true,
  email: true,
  active: true,
  currency: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.CustomerSelect;

export type CustomerRecord = Prisma.CustomerGetPayload<{ select: typeof customerSelect }>;

/** Which customers a caller may see: all (admin), a reseller's, or one (the customer itself). */
export type CustomerScope = { all: true } | { resellerId: string } | { customerId: string };

export function customerScopeWhere(scope: CustomerScope): Prisma.CustomerWhereInput {
  if ('all' in scope) return {};
  if ('resellerId' in scope) return { resellerId: scope.resellerId };
  return { id: scope.customerId };
}

export interface NewCustomer {
  resellerId: string | null;
  name: string;
  email: string;
  currency: string;
}

export interface CustomerChanges {
  name?: string;
  email?: string;
  active?: boolean;
}

export interface CustomerListFilters {
  active?: boolean;
  /** admins only (the use case enforces it) */
  resellerId?: string;
  /** true: only direct customers; false: only resellers' customers */
  direct?: boolean;
  q?: string;
  cursor?: string;
  limit: number;
}

export function insertCustomer(db: Db, data: NewCustomer): Promise<CustomerRecord> {
  return db.customer.create({ data, select: customerSelect });
}

export function findCustomer(db: Db, scope: CustomerScope, id: string): Promise<CustomerRecord | null> {
  return db.customer.findFirst({ where: { AND: [{ id }, customerScopeWhere(scope)] }, select: customerSelect });
}

/** Row-locks a visible customer inside a transaction and reads it; null when missing or not visible. */
export async function lockCustomer(tx: Db, scope: CustomerScope, id: string): Promise<CustomerRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "customer" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findCustomer(tx, scope, id);
}

export function updateCustomer(db: Db, id: string, changes: CustomerChanges): Promise<CustomerRecord> {
  return db.customer.update({ where: { id }, data: changes, select: customerSelect });
}

export async function listCustomers(db: Db, scope: CustomerScope, filters: CustomerListFilters): Promise<Page<CustomerRecord>> {
  const where: Prisma.CustomerWhereInput = {
    AND: [
      customerScopeWhere(scope),
      filters.active !== undefined ? { active: filters.active } : {},
      filters.resellerId !== undefined ? { resellerId: filters.resellerId } : {},
      filters.direct === true ? { resellerId: null } : filters.direct === false ? { resellerId: { not: null } } : {},
      filters.q !== undefined
        ? { OR: [{ name: { contains: filters.q, mode: 'insensitive' } }, { email: { contains: filters.q, mode: 'insensitive' } }] }
        : {},
      afterCursor(filters.cursor),
    ],
  };
  const rows = await db.customer.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: customerSelect });
  return toPage(rows, filters.limit);
}
