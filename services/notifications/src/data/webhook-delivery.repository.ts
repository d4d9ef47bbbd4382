// Webhook deliveries and their attempts in the database, for the API (list, read, replay) and the
// channel (recording new deliveries). A delivery is visible through its endpoint's owner only.
import { randomUUID } from 'node:crypto';
import type { Page } from '@runfleet/contracts';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import type { Db, Prisma } from '../db';
import type { Owner } from './webhook-endpoint.repository';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

const deliverySelect = {
  id: true,
  endpointId: true,
  messageId: true,
  eventType: true,
  status: true,
  attemptCount: true,
  nextAttemptAt: true,
  lastAttemptAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.WebhookDeliverySelect;

export type DeliveryRecord = Omit<Prisma.WebhookDeliveryGetPayload<{ select: typeof deliverySelect }>, 'status'> & { status: DeliveryStatus };

const attemptSelect = {
  id: true,
  outcome: true,
  responseStatus: true,
  durationMs: true,
  responseBody: true,
  error: true,
  attemptedAt: true,
} satisfies Prisma.WebhookAttemptSelect;

export type AttemptRecord = Prisma.WebhookAttemptGetPayload<{ select: typeof attemptSelect }>;

export interface DeliveryWithBody extends DeliveryRecord {
  body: string;
  attempts: AttemptRecord[];
}

const ownedBy = (owner: Owner): Prisma.WebhookDeliveryWhereInput => ({
  endpoint: { accountType: owner.accountType, accountId: owner.accountId },
});

export interface NewDelivery {
  endpointId: string;
  messageId: string;
  eventType: string;
  body: string;
}

/**
 * Records deliveries; a (endpoint, webhook-id) pair already recorded is left as it is, so an event
 * handled twice (a redelivered message) is still delivered once per endpoint.
 */
export async function insertDeliveries(db: Db, deliveries: readonly NewDelivery[], now: Date): Promise<number> {
  if (deliveries.length === 0) return 0;
  const result = await db.webhookDelivery.createMany({
    data: deliveries.map((d) => ({ id: randomUUID(), ...d, nextAttemptAt: now, createdAt: now, updatedAt: now })),
    skipDuplicates: true,
  });
  return result.count;
}

export async function insertDelivery(db: Db, delivery: NewDelivery, now: Date): Promise<DeliveryRecord> {
  const row = await db.webhookDelivery.create({
    data: { id: randomUUID(), ...delivery, nextAttemptAt: now, createdAt: now, updatedAt: now },
    select: deliverySelect,
  });
  return row as DeliveryRecord;
}

export async function findDelivery(db: Db, owner: Owner, id: string): Promise<DeliveryWithBody | null> {
  const row = await db.webhookDelivery.findFirst({
    where: { id, ...ownedBy(owner) },
    select: { ...deliverySelect, body: true, attempts: { select: attemptSelect, orderBy: { attemptedAt: 'asc' } } },
  });
  return row as DeliveryWithBody | null;
}

export interface DeliveryListFilters {
  endpointId?: string;
  status?: DeliveryStatus;
  cursor?: string;
  limit: number;
}

export async function listDeliveries(db: Db, owner: Owner, filters: DeliveryListFilters): Promise<Page<DeliveryRecord>> {
  const rows = await db.webhookDelivery.findMany({
    where: {
      AND: [
        ownedBy(owner),
        filters.endpointId === undefined ? {} : { endpointId: filters.endpointId },
        filters.status === undefined ? {} : { status: filters.status },
        afterCursor(filters.cursor),
      ],
    },
    orderBy: NEWEST_FIRST,
    take: filters.limit + 1,
    select: deliverySelect,
  });
  return toPage(rows as DeliveryRecord[], filters.limit);
}

/**
 * Puts a delivery back on the schedule as if new: due now, the retry schedule restarting after the
 * attempts already made. The same row, so the webhook-id stays the same (receivers de-duplicate by it).
 * Prisma's update cannot set one column from another (replay_base = attempt_count), hence SQL.
 */
export async function requeueDelivery(db: Db, id: string, now: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE "webhook_delivery" SET status = 'pending', replay_base = attempt_count, next_attempt_at = ${now}, updated_at = ${now}
    WHERE id = ${id}::uuid`;
}

/** Requeues an endpoint's failed deliveries created at or after `since`; returns how many. */
export async function requeueFailedSince(db: Db, endpointId: string, since: Date, now: Date): Promise<number> {
  return db.$executeRaw`
    UPDATE "webhook_delivery" SET status = 'pending', replay_base = attempt_count, next_attempt_at = ${now}, updated_at = ${now}
    WHERE endpoint_id = ${endpointId}::uuid AND status = 'failed' AND created_at >= ${since}`;
}
