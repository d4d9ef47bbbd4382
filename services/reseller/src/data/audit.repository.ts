// The audit log (issue 4 "Audit log"): who did what to which object, and the scoped reads of it.
// Other areas (orders: 'order.fulfilled') record through `recordAudit` in their own transaction.
import type { Db, Prisma } from '../db';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import type { Page } from '@runfleet/contracts';

export interface AuditEntry {
  /** admin | reseller | customer | service */
  actorType: string;
  actorId: string;
  /** `<target>.<what>`, e.g. apikey.created, reseller.commission_changed, order.fulfilled */
  action: string;
  targetType: string;
  targetId: string;
  /** never a secret: ids, names, before/after values */
  details?: Record<string, unknown>;
  /** the reseller this concerns (its own action, its customer's, or an admin's on it); null otherwise */
  resellerId: string | null;
}

export interface AuditEventRecord extends Required<AuditEntry> {
  id: string;
  createdAt: Date;
}

const auditSelect = {
  id: true,
  actorType: true,
  actorId: true,
  action: true,
  targetType: true,
  targetId: true,
  details: true,
  resellerId: true,
  createdAt: true,
} satisfies Prisma.AuditEventSelect;

/** Call with the transaction client of the change being audited so both commit together. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: { ...entry, details: (entry.details ?? {}) as Prisma.InputJsonObject },
    select: { id: true },
  });
}

export interface AuditFilters {
  /** only events filed under this reseller (a reseller's own view, or an admin's filter) */
  resellerId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  cursor?: string;
  limit: number;
}

export async function listAuditEvents(db: Db, filters: AuditFilters): Promise<Page<AuditEventRecord>> {
  const where: Prisma.AuditEventWhereInput = {
    ...(filters.resellerId !== undefined ? { resellerId: filters.resellerId } : {}),
    ...(filters.action !== undefined ? { action: filters.action } : {}),
    ...(filters.targetType !== undefined ? { targetType: filters.targetType } : {}),
    ...(filters.targetId !== undefined ? { targetId: filters.targetId } : {}),
    ...afterCursor(filters.cursor),
  };
  const rows = await db.auditEvent.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: auditSelect });
  return toPage(
    rows.map((r) => ({ ...r, details: (r.details ?? {}) as Record<string, unknown> })),
    filters.limit,
  );
}
