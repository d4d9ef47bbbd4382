// Runners in the database. Views never select the token hash.
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import type { OwnerScope } from '../domain/actor';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import type { TokenScope } from './registration-token.repository';

export const RUNNER_STATUSES = ['active', 'stale', 'offline', 'draining', 'disabled'] as const;
export type RunnerStatus = (typeof RUNNER_STATUSES)[number];

const runnerSelect = {
  id: true,
  lookupId: true,
  last4: true,
  name: true,
  jobTypes: true,
  labels: true,
  capacity: true,
  version: true,
  scope: true,
  customerId: true,
  resellerId: true,
  registrationTokenId: true,
  status: true,
  drainRequested: true,
  lastHeartbeatAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.RunnerSelect;

type RunnerRow = Prisma.RunnerGetPayload<{ select: typeof runnerSelect }>;
export type RunnerRecord = Omit<RunnerRow, 'scope' | 'status' | 'labels'> & {
  scope: TokenScope;
  status: RunnerStatus;
  labels: Record<string, string>;
};
const toRecord = (row: RunnerRow): RunnerRecord => ({
  ...row,
  scope: row.scope as TokenScope,
  status: row.status as RunnerStatus,
  labels: row.labels as Record<string, string>,
});

/** Shared runners are an admin's: only `{ all: true }` sees them. */
function scopeWhere(scope: OwnerScope): Prisma.RunnerWhereInput {
  if ('all' in scope) return {};
  if ('resellerId' in scope) return { resellerId: scope.resellerId, scope: 'customer' };
  return { customerId: scope.customerId };
}

export interface NewRunner {
  lookupId: string;
  secretHash: string;
  last4: string;
  name: string;
  jobTypes: string[];
  labels: Record<string, string>;
  capacity: number;
  version: string;
  scope: TokenScope;
  customerId: string | null;
  resellerId: string | null;
  registrationTokenId: string;
}

export async function insertRunner(db: Db, data: NewRunner): Promise<RunnerRecord> {
  return toRecord(await db.runner.create({ data, select: runnerSelect }));
}

export async function findRunner(db: Db, scope: OwnerScope, id: string): Promise<RunnerRecord | null> {
  const row = await db.runner.findFirst({ where: { AND: [{ id }, scopeWhere(scope)] }, select: runnerSelect });
  return row && toRecord(row);
}

/** Row-locks a runner inside a transaction and reads it; null when missing or not visible. */
export async function lockRunner(tx: Db, scope: OwnerScope, id: string): Promise<RunnerRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "runner" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findRunner(tx, scope, id);
}

export interface RunnerChanges {
  labels?: Record<string, string>;
  capacity?: number;
  status?: RunnerStatus;
  drainRequested?: boolean;
}

export async function updateRunner(db: Db, id: string, changes: RunnerChanges, now: Date): Promise<RunnerRecord> {
  return toRecord(await db.runner.update({ where: { id }, data: { ...changes, updatedAt: now }, select: runnerSelect }));
}

export async function deleteRunner(db: Db, id: string): Promise<void> {
  await db.runner.delete({ where: { id } });
}

export interface RunnerListFilters {
  jobType?: string;
  /** `key=value` pairs the runner must carry */
  labels?: Record<string, string>;
  status?: RunnerStatus;
  cursor?: string;
  limit: number;
}

export async function listRunners(db: Db, scope: OwnerScope, filters: RunnerListFilters): Promise<Page<RunnerRecord>> {
  const where: Prisma.RunnerWhereInput = {
    AND: [
      scopeWhere(scope),
      filters.jobType !== undefined ? { jobTypes: { has: filters.jobType } } : {},
      filters.status !== undefined ? { status: filters.status } : {},
      ...Object.entries(filters.labels ?? {}).map(([key, value]) => ({ labels: { path: [key], equals: value } })),
      afterCursor(filters.cursor),
    ],
  };
  const rows = await db.runner.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: runnerSelect });
  return toPage(rows.map(toRecord), filters.limit);
}

export interface RunnerForVerification {
  id: string;
  secretHash: string;
  status: RunnerStatus;
}

export async function findRunnerForVerification(db: Db, lookupId: string): Promise<RunnerForVerification | null> {
  const row = await db.runner.findUnique({ where: { lookupId }, select: { id: true, secretHash: true, status: true } });
  return row && { ...row, status: row.status as RunnerStatus };
}
