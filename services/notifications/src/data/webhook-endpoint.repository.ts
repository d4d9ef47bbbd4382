// Webhook endpoints in the database, always read within their owner's account: a query never
// returns another account's endpoint, so "not yours" and "does not exist" are the same answer.
// Sealed secrets leave this file only through `findEndpointSecrets`.
import type { Page } from '@runfleet/contracts';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import type { Db, Prisma } from '../db';

export interface Owner {
  accountType: 'reseller' | 'customer';
  accountId: string;
}

const endpointSelect = {
  id: true,
  accountType: true,
  accountId: true,
  url: true,
  description: true,
  eventTypes: true,
  enabled: true,
  disabledReason: true,
  disabledAt: true,
  previousSecretExpiresAt: true,
  failingSince: true,
  warnedAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.WebhookEndpointSelect;

export type EndpointRecord = Prisma.WebhookEndpointGetPayload<{ select: typeof endpointSelect }>;

export interface SealedSecrets {
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
}

const ownerWhere = (owner: Owner) => ({ accountType: owner.accountType, accountId: owner.accountId });

export async function insertEndpoint(
  db: Db,
  data: Owner & { id: string; url: string; description: string; eventTypes: string[]; enabled: boolean; secretSealed: string },
): Promise<EndpointRecord> {
  return db.webhookEndpoint.create({ data, select: endpointSelect });
}

export async function findEndpoint(db: Db, owner: Owner, id: string): Promise<EndpointRecord | null> {
  return db.webhookEndpoint.findFirst({ where: { id, ...ownerWhere(owner) }, select: endpointSelect });
}

/** Row-locks an owner's endpoint inside a transaction and reads it; null when missing or not theirs. */
export async function lockEndpoint(tx: Db, owner: Owner, id: string): Promise<EndpointRecord | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "webhook_endpoint" WHERE id = ${id}::uuid AND account_type = ${owner.accountType} AND account_id = ${owner.accountId}::uuid FOR UPDATE`;
  return locked.length === 0 ? null : findEndpoint(tx, owner, id);
}

export async function findEndpointSecrets(db: Db, id: string): Promise<SealedSecrets | null> {
  return db.webhookEndpoint.findUnique({
    where: { id },
    select: { secretSealed: true, previousSecretSealed: true, previousSecretExpiresAt: true },
  });
}

export interface EndpointChanges {
  url?: string;
  description?: string;
  eventTypes?: string[];
  enabled?: boolean;
  disabledReason?: string | null;
  disabledAt?: Date | null;
  failingSince?: Date | null;
  warnedAt?: Date | null;
  secretSealed?: string;
  previousSecretSealed?: string | null;
  previousSecretExpiresAt?: Date | null;
}

export async function updateEndpoint(db: Db, id: string, changes: EndpointChanges, now: Date): Promise<EndpointRecord> {
  return db.webhookEndpoint.update({ where: { id }, data: { ...changes, updatedAt: now }, select: endpointSelect });
}

export async function deleteEndpoint(db: Db, id: string): Promise<void> {
  await db.webhookEndpoint.delete({ where: { id } });
}

export interface EndpointListFilters {
  enabled?: boolean;
  cursor?: string;
  limit: number;
}

export async function listEndpoints(db: Db, owner: Owner, filters: EndpointListFilters): Promise<Page<EndpointRecord>> {
  const rows = await db.webhookEndpoint.findMany({
    where: {
      AND: [ownerWhere(owner), filters.enabled === undefined ? {} : { enabled: filters.enabled }, afterCursor(filters.cursor)],
    },
    orderBy: NEWEST_FIRST,
    take: filters.limit + 1,
    select: endpointSelect,
  });
  return toPage(rows, filters.limit);
}

/** The recipient's enabled endpoints with their filters, for the channel's fan-out. */
export async function enabledEndpointsOf(db: Db, owner: Owner): Promise<{ id: string; eventTypes: string[] }[]> {
  return db.webhookEndpoint.findMany({ where: { ...ownerWhere(owner), enabled: true }, select: { id: true, eventTypes: true } });
}
