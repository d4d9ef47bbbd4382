// Payout methods and payouts in the database (issue 16 item 3). A payout moves on only under its
// row lock, so of an admin's and the provider's concurrent transitions exactly one applies.
import type { Page } from '@runfleet/contracts';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';
import { Prisma, type Db } from '../db';

export type PayoutMethodKind = 'bank_transfer' | 'paypal';
export type PayoutStatus = 'requested' | 'processing' | 'completed' | 'failed';

/** A payout method as the API shows it: no details, only their masked form. */
export interface PayoutMethodRecord {
  id: string;
  resellerId: string;
  kind: PayoutMethodKind;
  label: string | null;
  masked: string;
  createdAt: Date;
}

const methodSelect = { id: true, resellerId: true, kind: true, label: true, masked: true, createdAt: true } satisfies Prisma.PayoutMethodSelect;

/** Inserts a method whose details the caller sealed under `method.id` (payout-details-cipher.ts). */
export async function insertPayoutMethod(
  db: Db,
  method: Omit<PayoutMethodRecord, 'createdAt'> & { sealedDetails: string },
): Promise<PayoutMethodRecord> {
  return (await db.payoutMethod.create({ data: method, select: methodSelect })) as PayoutMethodRecord;
}

export async function findPayoutMethod(db: Db, id: string): Promise<PayoutMethodRecord | null> {
  return (await db.payoutMethod.findUnique({ where: { id }, select: methodSelect })) as PayoutMethodRecord | null;
}

/** The method's sealed details, for the payout provider only (opened there, never answered, never logged). */
export async function sealedPayoutMethodDetails(db: Db, id: string): Promise<string | null> {
  const row = await db.payoutMethod.findUnique({ where: { id }, select: { sealedDetails: true } });
  return row?.sealedDetails ?? null;
}

export async function listPayoutMethods(db: Db, f: { resellerId: string | null; cursor?: string; limit: number }): Promise<Page<PayoutMethodRecord>> {
  const rows = await db.payoutMethod.findMany({
    where: { AND: [f.resellerId !== null ? { resellerId: f.resellerId } : {}, afterCursor(f.cursor)] },
    orderBy: NEWEST_FIRST,
    take: f.limit + 1,
    select: methodSelect,
  });
  return toPage(rows as PayoutMethodRecord[], f.limit);
}

export interface PayoutRecord {
  id: string;
  resellerId: string;
  walletId: string;
  methodId: string;
  amount: bigint;
  currency: string;
  status: PayoutStatus;
  holdId: string;
  reference: string | null;
  failureReason: string | null;
  processingAt: Date | null;
  completedAt: Date | null;
  failedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = Prisma.sql`"id", "reseller_id" AS "resellerId", "wallet_id" AS "walletId", "method_id" AS "methodId", "amount",
  "currency", "status", "hold_id" AS "holdId", "reference", "failure_reason" AS "failureReason", "processing_at" AS "processingAt",
  "completed_at" AS "completedAt", "failed_at" AS "failedAt", "created_at" AS "createdAt", "updated_at" AS "updatedAt"`;

const payoutSelect = {
  id: true,
  resellerId: true,
  walletId: true,
  methodId: true,
  amount: true,
  currency: true,
  status: true,
  holdId: true,
  reference: true,
  failureReason: true,
  processingAt: true,
  completedAt: true,
  failedAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.PayoutSelect;

export async function insertPayout(tx: Db, p: Pick<PayoutRecord, 'id' | 'resellerId' | 'walletId' | 'methodId' | 'amount' | 'currency' | 'holdId'>): Promise<void> {
  await tx.payout.create({ data: p, select: { id: true } });
}

export async function lockPayout(tx: Db, id: string): Promise<PayoutRecord | null> {
  const rows = await tx.$queryRaw<PayoutRecord[]>`SELECT ${COLUMNS} FROM "payout" WHERE "id" = ${id}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

export async function updatePayout(
  tx: Db,
  id: string,
  change: Partial<Pick<PayoutRecord, 'status' | 'reference' | 'failureReason' | 'processingAt' | 'completedAt' | 'failedAt'>>,
): Promise<void> {
  await tx.payout.update({ where: { id }, data: { ...change, updatedAt: new Date() }, select: { id: true } });
}

export async function findPayout(db: Db, id: string): Promise<PayoutRecord | null> {
  return (await db.payout.findUnique({ where: { id }, select: payoutSelect })) as PayoutRecord | null;
}

export async function listPayouts(db: Db, f: { resellerId: string | null; status?: PayoutStatus; cursor?: string; limit: number }): Promise<Page<PayoutRecord>> {
  const rows = await db.payout.findMany({
    where: {
      AND: [f.resellerId !== null ? { resellerId: f.resellerId } : {}, f.status !== undefined ? { status: f.status } : {}, afterCursor(f.cursor)],
    },
    orderBy: NEWEST_FIRST,
    take: f.limit + 1,
    select: payoutSelect,
  });
  return toPage(rows as PayoutRecord[], f.limit);
}
