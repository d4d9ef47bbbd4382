// Wallets in the database: opened once per owner, read with explicit selects, and changed only
// under their row lock (`lockWallet…` then `saveWalletState`, in one transaction) so concurrent
// holds and charges on one wallet are serialised and can never overdraw it (DESIGN.md §5).
import type { CREDIT_STATUSES, Page } from '@runfleet/contracts';
import { bigintOf, Prisma, sqlOf, type Db, type Sql } from '../db';
import type { Statement } from './statement';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

export type OwnerType = 'customer' | 'reseller';
export type CreditStatus = (typeof CREDIT_STATUSES)[number];

export interface WalletRecord {
  id: string;
  ownerType: OwnerType;
  ownerId: string;
  resellerId: string | null;
  currency: string;
  balance: bigint;
  reserved: bigint;
  creditLimit: bigint;
  creditStatus: CreditStatus;
  lowBalanceThreshold: bigint;
  lowBalanceArmed: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const walletSelect = {
  id: true,
  ownerType: true,
  ownerId: true,
  resellerId: true,
  currency: true,
  balance: true,
  reserved: true,
  creditLimit: true,
  creditStatus: true,
  lowBalanceThreshold: true,
  lowBalanceArmed: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.WalletSelect;

type Row = Prisma.WalletGetPayload<{ select: typeof walletSelect }>;

function toRecord(row: Row): WalletRecord {
  return { ...row, ownerType: row.ownerType as OwnerType, creditStatus: row.creditStatus as CreditStatus };
}

// Raw rows come back with snake_case names; the lock statements select them under camelCase aliases.
const LOCK_COLUMN_LIST = `"id", "owner_type" AS "ownerType", "owner_id" AS "ownerId", "reseller_id" AS "resellerId",
  "currency", "balance", "reserved", "credit_limit" AS "creditLimit", "credit_status" AS "creditStatus",
  "low_balance_threshold" AS "lowBalanceThreshold", "low_balance_armed" AS "lowBalanceArmed",
  "created_at" AS "createdAt", "updated_at" AS "updatedAt"`;
const LOCK_COLUMNS = Prisma.raw(LOCK_COLUMN_LIST);

/** A locked row as pg or Prisma returns it (BIGINTs as strings or bigints). */
function lockedWallet(row: Record<string, unknown>): WalletRecord {
  return {
    ...(row as unknown as WalletRecord),
    balance: bigintOf(row.balance),
    reserved: bigintOf(row.reserved),
    creditLimit: bigintOf(row.creditLimit),
    lowBalanceThreshold: bigintOf(row.lowBalanceThreshold),
  };
}

export interface NewWallet {
  ownerType: OwnerType;
  ownerId: string;
  resellerId: string | null;
  currency: string;
}

/** Opens the owner's wallet unless it has one; returns whether this call opened it. */
export async function openWallet(db: Db, wallet: NewWallet): Promise<boolean> {
  const opened = await db.$executeRaw`INSERT INTO "wallet" ("owner_type", "owner_id", "reseller_id", "currency")
    VALUES (${wallet.ownerType}, ${wallet.ownerId}::uuid, ${wallet.resellerId}::uuid, ${wallet.currency})
    ON CONFLICT ("owner_type", "owner_id") DO NOTHING`;
  return opened > 0;
}

/** The wallet, locked FOR UPDATE until the transaction ends; null when there is none. */
export async function lockWallet(tx: Db, walletId: string): Promise<WalletRecord | null> {
  const rows = await tx.$queryRaw<WalletRecord[]>`SELECT ${LOCK_COLUMNS} FROM "wallet" WHERE "id" = ${walletId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

/** The wallets, locked FOR UPDATE in id order (a stable order: concurrent batches never deadlock). */
export async function lockWallets(db: Sql, walletIds: readonly string[]): Promise<WalletRecord[]> {
  if (walletIds.length === 0) return [];
  const { rows } = await sqlOf(db).query(`SELECT ${LOCK_COLUMN_LIST} FROM "wallet" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE`, [walletIds]);
  return rows.map(lockedWallet);
}

/** The owner's wallet, locked FOR UPDATE until the transaction ends; null when there is none. */
export async function lockWalletOfOwner(db: Sql, ownerType: OwnerType, ownerId: string): Promise<WalletRecord | null> {
  const { rows } = await sqlOf(db).query(`SELECT ${LOCK_COLUMN_LIST} FROM "wallet" WHERE "owner_type" = $1 AND "owner_id" = $2::uuid FOR UPDATE`, [
    ownerType,
    ownerId,
  ]);
  return rows[0] ? lockedWallet(rows[0]) : null;
}

/** Like lockWalletOfOwner, but null at once when another transaction holds the wallet (replicas share a sweep). */
export async function tryLockWalletOfOwner(tx: Db, ownerType: OwnerType, ownerId: string): Promise<WalletRecord | null> {
  const rows = await tx.$queryRaw<WalletRecord[]>`SELECT ${LOCK_COLUMNS} FROM "wallet"
    WHERE "owner_type" = ${ownerType} AND "owner_id" = ${ownerId}::uuid FOR UPDATE SKIP LOCKED`;
  return rows[0] ?? null;
}

export interface WalletState {
  balance: bigint;
  reserved: bigint;
  lowBalanceArmed: boolean;
}

/** Writes a locked wallet's new balance, reserved and low-balance arming. */
export async function saveWalletState(tx: Db, walletId: string, state: WalletState): Promise<void> {
  await tx.$executeRaw`UPDATE "wallet" SET "balance" = ${state.balance}, "reserved" = ${state.reserved},
    "low_balance_armed" = ${state.lowBalanceArmed}, "updated_at" = now() WHERE "id" = ${walletId}::uuid`;
}

/** Writes locked wallets' new states with one UPDATE … FROM unnest(…). */
export function walletStatesStatement(states: readonly (WalletState & { id: string })[]): Statement | null {
  if (states.length === 0) return null;
  return {
    sql: `UPDATE "wallet" w SET "balance" = v.balance, "reserved" = v.reserved, "low_balance_armed" = v.armed, "updated_at" = now()
     FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::boolean[]) AS v(id, balance, reserved, armed) WHERE w."id" = v.id`,
    params: [states.map((w) => w.id), states.map((w) => w.balance.toString()), states.map((w) => w.reserved.toString()), states.map((w) => w.lowBalanceArmed)],
  };
}

/** Who may see a wallet: an admin (no scope), a reseller (its customers' and its own), a customer (its own). */
export type WalletScope = { all: true } | { resellerId: string } | { customerId: string };

export function walletScopeWhere(scope: WalletScope): Prisma.WalletWhereInput {
  if ('all' in scope) return {};
  if ('resellerId' in scope) {
    return { OR: [{ ownerType: 'customer', resellerId: scope.resellerId }, { ownerType: 'reseller', ownerId: scope.resellerId }] };
  }
  return { ownerType: 'customer', ownerId: scope.customerId };
}

export async function findWallet(db: Db, id: string, scope: WalletScope = { all: true }): Promise<WalletRecord | null> {
  const row = await db.wallet.findFirst({ where: { AND: [{ id }, walletScopeWhere(scope)] }, select: walletSelect });
  return row ? toRecord(row) : null;
}

export async function findWalletOfOwner(db: Db, ownerType: OwnerType, ownerId: string): Promise<WalletRecord | null> {
  const row = await db.wallet.findUnique({ where: { ownerType_ownerId: { ownerType, ownerId } }, select: walletSelect });
  return row ? toRecord(row) : null;
}

export interface WalletListFilters {
  scope: WalletScope;
  ownerType?: OwnerType;
  ownerId?: string;
  creditStatus?: CreditStatus;
  cursor?: string;
  limit: number;
}

export async function listWallets(db: Db, filters: WalletListFilters): Promise<Page<WalletRecord>> {
  const where: Prisma.WalletWhereInput = {
    AND: [
      walletScopeWhere(filters.scope),
      {
        ...(filters.ownerType !== undefined ? { ownerType: filters.ownerType } : {}),
        ...(filters.ownerId !== undefined ? { ownerId: filters.ownerId } : {}),
        ...(filters.creditStatus !== undefined ? { creditStatus: filters.creditStatus } : {}),
      },
      afterCursor(filters.cursor),
    ],
  };
  const rows = await db.wallet.findMany({ where, orderBy: NEWEST_FIRST, take: filters.limit + 1, select: walletSelect });
  return toPage(rows.map(toRecord), filters.limit);
}

export interface CreditSettings {
  creditLimit: bigint;
  creditStatus: CreditStatus;
  lowBalanceThreshold: bigint;
  lowBalanceArmed: boolean;
}

/** Writes a locked wallet's credit settings and the audit row of the change; returns the audit row's id. */
export async function saveCreditSettings(
  tx: Db,
  wallet: WalletRecord,
  after: CreditSettings,
  audit: { actorType: string; actorId: string; reason: string | null },
): Promise<string> {
  await tx.$executeRaw`UPDATE "wallet" SET "credit_limit" = ${after.creditLimit}, "credit_status" = ${after.creditStatus},
    "low_balance_threshold" = ${after.lowBalanceThreshold}, "low_balance_armed" = ${after.lowBalanceArmed}, "updated_at" = now()
    WHERE "id" = ${wallet.id}::uuid`;
  const view = (s: Omit<CreditSettings, 'lowBalanceArmed'>) => ({
    creditLimit: s.creditLimit.toString(),
    creditStatus: s.creditStatus,
    lowBalanceThreshold: s.lowBalanceThreshold.toString(),
  });
  const change = await tx.walletChange.create({
    data: { walletId: wallet.id, actorType: audit.actorType, actorId: audit.actorId, reason: audit.reason, before: view(wallet), after: view(after) },
    select: { id: true },
  });
  return change.id;
}

/** How far the overdue check has gone in a wallet's current overdue episode (migration 20261205200000). */
export type OverdueStage = 'none' | 'reminded' | 'suspended';

export interface OverdueWallet extends WalletRecord {
  overdueSince: Date;
  overdueStage: OverdueStage;
}

/**
 * Up to `batch` wallets in an overdue episode with a step due — a reminder (stage none, below zero
 * since `remindBefore`) or a suspension (not yet suspended, since `suspendBefore`) — locked FOR
 * UPDATE; SKIP LOCKED lets replicas share the work and skips wallets a charge holds right now (the
 * next pass gets them).
 */
export async function lockOverdueWallets(tx: Db, remindBefore: Date, suspendBefore: Date, batch: number): Promise<OverdueWallet[]> {
  return tx.$queryRaw<OverdueWallet[]>`SELECT ${LOCK_COLUMNS}, "overdue_since" AS "overdueSince", "overdue_stage" AS "overdueStage"
    FROM "wallet"
    WHERE "overdue_since" IS NOT NULL AND "balance" < 0
      AND (("overdue_stage" = 'none' AND "overdue_since" <= ${remindBefore})
        OR ("overdue_stage" <> 'suspended' AND "overdue_since" <= ${suspendBefore}))
    ORDER BY "overdue_since"
    LIMIT ${batch}
    FOR UPDATE SKIP LOCKED`;
}

/** Records the overdue check's step on a locked wallet (the trigger resets it when the episode ends). */
export async function saveOverdueStage(tx: Db, walletId: string, stage: OverdueStage): Promise<void> {
  await tx.$executeRaw`UPDATE "wallet" SET "overdue_stage" = ${stage} WHERE "id" = ${walletId}::uuid`;
}
