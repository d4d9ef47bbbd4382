// Reseller orders in the database: explicit selects, plain records out; every function takes the
// client or a transaction client. Status changes are conditional updates (WHERE status = expected),
// so of two concurrent transitions exactly one wins.
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import type { OrderStatus } from '../domain/order-status';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

const orderSelect = {
  id: true,
  customerId: true,
  resellerId: true,
  offeringId: true,
  providerId: true,
  offeringName: true,
  unit: true,
  quantity: true,
  commissionBps: true,
  basePriceMicros: true,
  commissionMicros: true,
  totalMicros: true,
  currency: true,
  status: true,
  failureReason: true,
  paymentTransactionId: true,
  externalOrderId: true,
  details: true,
  createdAt: true,
  updatedAt: true,
  paidAt: true,
  fulfilledAt: true,
  failedAt: true,
  cancelledAt: true,
} satisfies Prisma.ResellerOrderSelect;

type Row = Prisma.ResellerOrderGetPayload<{ select: typeof orderSelect }>;
export type OrderRecord = Omit<Row, 'status' | 'details'> & { status: OrderStatus; details: Record<string, unknown> | null };

function toRecord(row: Row): OrderRecord {
  return { ...row, status: row.status as OrderStatus, details: (row.details ?? null) as Record<string, unknown> | null };
}

export interface NewOrder {
  customerId: string;
  resellerId: string | null;
  offeringId: string;
  providerId: string;
  offeringName: string;
  unit: string;
  quantity: number;
  commissionBps: number;
  basePriceMicros: bigint;
  commissionMicros: bigint;
  totalMicros: bigint;
  currency: string;
}

/** Who may see an order: an admin (no scope), a reseller (its customers' orders), a customer (its own). */
export interface OrderScope {
  resellerId?: string;
  customerId?: string;
}

export interface OrderListFilters extends OrderScope {
  status?: OrderStatus;
  cursor?: string;
  limit: number;
}

/** What a transition writes besides the status. */
export interface OrderTransitionData {
  failureReason?: string;
  paymentTransactionId?: string;
  externalOrderId?: string;
  details?: Record<string, unknown>;
  paidAt?: Date;
  fulfilledAt?: Date;
  failedAt?: Date;
  cancelledAt?: Date;
}

function scopeWhere(scope: OrderScope): Prisma.ResellerOrderWhereInput {
  return {
    ...(scope.resellerId !== undefined ? { resellerId: scope.resellerId } : {}),
    ...(scope.customerId !== undefined ? { customerId: scope.customerId } : {}),
  };
}

export async function insertOrder(db: Db, data: NewOrder): Promise<OrderRecord> {
  return toRecord(await db.resellerOrder.create({ data, select: orderSelect }));
}

export async function findOrder(db: Db, id: string, scope: OrderScope = {}): Promise<OrderRecord | null> {
  const row = await db.resellerOrder.findFirst({ where: { id, ...scopeWhere(scope) }, select: orderSelect });
  return row ? toRecord(row) : null;
}

export async function listOrders(db: Db, filters: OrderListFilters): Promise<Page<OrderRecord>> {
  const where: Prisma.ResellerOrderWhereInput = {
    ...scopeWhere(filters),
    ...(filters.status !== undefined ? { status: filters.status } : {}),
    ...afterCursor(filters.cursor),
  };
  const rows = await db.resellerOrder.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: orderSelect });
  return toPage(rows.map(toRecord), filters.limit);
}

/**
 * Moves the order from `from` to `to` only if it is still in `from` (one conditional UPDATE);
 * returns the order after the change, or null when it was not in `from` (or does not exist).
 */
export async function transitionOrder(
  db: Db,
  id: string,
  from: OrderStatus,
  to: OrderStatus,
  data: OrderTransitionData = {},
): Promise<OrderRecord | null> {
  const { details, ...rest } = data;
  const rows = await db.resellerOrder.updateManyAndReturn({
    where: { id, status: from },
    data: { ...rest, ...(details !== undefined ? { details: details as Prisma.InputJsonObject } : {}), status: to },
    select: orderSelect,
  });
  const row = rows[0];
  return row ? toRecord(row) : null;
}
