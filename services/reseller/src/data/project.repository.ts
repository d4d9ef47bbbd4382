// Projects in the database, read through the same kind of visibility scope as customers: a
// reseller's scope reaches projects through their customer's reseller.
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import type { CustomerScope } from './customer.repository';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

const projectSelect = {
  id: true,
  customerId: true,
  name: true,
  archivedAt: true,
  createdAt: true,
  updatedAt: true,
  customer: { select: { resellerId: true } },
} satisfies Prisma.ProjectSelect;

type ProjectRow = Prisma.ProjectGetPayload<{ select: typeof projectSelect }>;

export interface ProjectRecord {
  id: string;
  customerId: string;
  /** the customer's reseller (null for a direct customer), carried by project events */
  resellerId: string | null;
  name: string;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const toRecord = ({ customer, ...row }: ProjectRow): ProjectRecord => ({ ...row, resellerId: customer.resellerId });

export function projectScopeWhere(scope: CustomerScope): Prisma.ProjectWhereInput {
  if ('all' in scope) return {};
  if ('resellerId' in scope) return { customer: { resellerId: scope.resellerId } };
  return { customerId: scope.customerId };
}

export interface ProjectListFilters {
  customerId?: string;
  /** admins only */
  resellerId?: string;
  status?: 'active' | 'archived';
  q?: string;
  cursor?: string;
  limit: number;
}

export async function insertProject(db: Db, data: { customerId: string; name: string }): Promise<ProjectRecord> {
  return toRecord(await db.project.create({ data, select: projectSelect }));
}

export async function findProject(db: Db, scope: CustomerScope, id: string): Promise<ProjectRecord | null> {
  const row = await db.project.findFirst({ where: { AND: [{ id }, projectScopeWhere(scope)] }, select: projectSelect });
  return row && toRecord(row);
}

/** Row-locks a visible project inside a transaction and reads it; null when missing or not visible. */
export async function lockProject(tx: Db, scope: CustomerScope, id: string): Promise<ProjectRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "project" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findProject(tx, scope, id);
}

export async function updateProject(db: Db, id: string, changes: { name?: string; archivedAt?: Date }): Promise<ProjectRecord> {
  return toRecord(await db.project.update({ where: { id }, data: changes, select: projectSelect }));
}

export async function listProjects(db: Db, scope: CustomerScope, filters: ProjectListFilters): Promise<Page<ProjectRecord>> {
  const where: Prisma.ProjectWhereInput = {
    AND: [
      projectScopeWhere(scope),
      filters.customerId !== undefined ? { customerId: filters.customerId } : {},
      filters.resellerId !== undefined ? { customer: { resellerId: filters.resellerId } } : {},
      filters.status === 'active' ? { archivedAt: null } : filters.status === 'archived' ? { archivedAt: { not: null } } : {},
      filters.q !== undefined ? { name: { contains: filters.q, mode: 'insensitive' } } : {},
      afterCursor(filters.cursor),
    ],
  };
  const rows = await db.project.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: projectSelect });
  return toPage(rows.map(toRecord), filters.limit);
}
