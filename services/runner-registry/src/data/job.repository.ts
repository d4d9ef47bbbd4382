// Jobs in the database through Prisma: plain records out. The hot path's statements on node-postgres
// are in runner-job.repository.ts (the runner API, the claim with `FOR UPDATE SKIP LOCKED`) and
// job-submission.repository.ts (POST /v1/jobs).
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import type { OwnerScope } from '../domain/actor';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

export const JOB_STATUSES = ['pending_funds', 'queued', 'assigned', 'running', 'succeeded', 'failed', 'cancelled', 'rejected'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const jobSelect = {
  id: true,
  projectId: true,
  customerId: true,
  resellerId: true,
  type: true,
  payload: true,
  requiredLabels: true,
  priority: true,
  maxCostMicros: true,
  currency: true,
  timeoutSeconds: true,
  maxAttempts: true,
  status: true,
  attempt: true,
  runnerId: true,
  holdId: true,
  reason: true,
  message: true,
  cancelledBy: true,
  progressPercent: true,
  progressMessage: true,
  usageUnitsMicros: true,
  usageDurationMs: true,
  createdAt: true,
  queuedAt: true,
  assignedAt: true,
  startedAt: true,
  lastProgressAt: true,
  finishedAt: true,
  updatedAt: true,
} satisfies Prisma.JobSelect;

type JobRow = Prisma.JobGetPayload<{ select: typeof jobSelect }>;
export type JobRecord = Omit<JobRow, 'status' | 'requiredLabels'> & { status: JobStatus; requiredLabels: Record<string, string> };
const toRecord = (row: JobRow): JobRecord => ({
  ...row,
  status: row.status as JobStatus,
  requiredLabels: row.requiredLabels as Record<string, string>,
});

function scopeWhere(scope: OwnerScope): Prisma.JobWhereInput {
  if ('all' in scope) return {};
  if ('resellerId' in scope) return { resellerId: scope.resellerId };
  return { customerId: scope.customerId };
}

export interface NewJob {
  projectId: string;
  customerId: string;
  resellerId: string | null;
  type: string;
  payload: Prisma.InputJsonValue;
  requiredLabels: Record<string, string>;
  priority: number;
  maxCostMicros: bigint;
  currency: string;
  timeoutSeconds: number;
  maxAttempts: number;
  status: JobStatus;
}

export async function findJob(db: Db, scope: OwnerScope, id: string): Promise<JobRecord | null> {
  const row = await db.job.findFirst({ where: { AND: [{ id }, scopeWhere(scope)] }, select: jobSelect });
  return row && toRecord(row);
}

/** Row-locks a job inside a transaction and reads it; null when missing or not visible. */
export async function lockJob(tx: Db, scope: OwnerScope, id: string): Promise<JobRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "job" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findJob(tx, scope, id);
}

export type JobChanges = Partial<
  Pick<
    JobRecord,
    | 'status'
    | 'attempt'
    | 'runnerId'
    | 'holdId'
    | 'reason'
    | 'message'
    | 'cancelledBy'
    | 'progressPercent'
    | 'progressMessage'
    | 'usageUnitsMicros'
    | 'usageDurationMs'
    | 'queuedAt'
    | 'assignedAt'
    | 'startedAt'
    | 'lastProgressAt'
    | 'finishedAt'
  >
>;

export async function updateJob(db: Db, id: string, changes: JobChanges, now: Date): Promise<JobRecord> {
  return toRecord(await db.job.update({ where: { id }, data: { ...changes, updatedAt: now }, select: jobSelect }));
}

export interface JobListFilters {
  status?: JobStatus;
  projectId?: string;
  customerId?: string;
  type?: string;
  cursor?: string;
  limit: number;
}

export async function listJobs(db: Db, scope: OwnerScope, filters: JobListFilters): Promise<Page<JobRecord>> {
  const where: Prisma.JobWhereInput = {
    AND: [
      scopeWhere(scope),
      filters.status !== undefined ? { status: filters.status } : {},
      filters.projectId !== undefined ? { projectId: filters.projectId } : {},
      filters.customerId !== undefined ? { customerId: filters.customerId } : {},
      filters.type !== undefined ? { type: filters.type } : {},
      afterCursor(filters.cursor),
    ],
  };
  const rows = await db.job.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: jobSelect });
  return toPage(rows.map(toRecord), filters.limit);
}

/** The jobs a runner holds (assigned or running), locked, for requeueing when it is lost or removed. */
/** Jobs assigned before `assignedBefore` and still not started, locked (skipping any a runner is moving right now). */
export async function lockUnstartedJobs(tx: Db, assignedBefore: Date): Promise<JobRecord[]> {
  return readLocked(
    tx,
    await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "job" WHERE status = 'assigned' AND assigned_at < ${assignedBefore} ORDER BY id FOR UPDATE SKIP LOCKED`,
  );
}

export async function lockHeldJobs(tx: Db, runnerId: string): Promise<JobRecord[]> {
  return readLocked(
    tx,
    await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "job" WHERE runner_id = ${runnerId}::uuid AND status IN ('assigned', 'running') ORDER BY id FOR UPDATE`,
  );
}

/** The records of jobs this transaction has just locked, in id order. */
async function readLocked(tx: Db, locked: { id: string }[]): Promise<JobRecord[]> {
  if (locked.length === 0) return [];
  const rows = await tx.job.findMany({ where: { id: { in: locked.map((r) => r.id) } }, select: jobSelect, orderBy: { id: 'asc' } });
  return rows.map(toRecord);
}
