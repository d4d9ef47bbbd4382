// The ledger in the database (DESIGN.md §2, §5): entries are only ever inserted — a trigger refuses
// UPDATE, DELETE and TRUNCATE — each in the transaction of the wallet change it records, under a
// unique idempotency key so one effect can never be booked twice.
import type { Page } from '@runfleet/contracts';
import type { Db, Prisma } from '../db';
import type { Statement } from './statement';
import { afterCursor, NEWEST_FIRST, toPage } from '@runfleet/service-kit';

export const ENTRY_TYPES = ['credit', 'charge', 'refund', 'hold', 'hold_release', 'commission', 'payout', 'adjustment'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export interface NewEntry {
  /** chosen by the caller when an event must name the entry before it is inserted; else the database's */
  id?: string;
  walletId: string;
  type: EntryType;
  /** signed change of the balance */
  amount: bigint;
  /** signed change of reserved */
  reservedDelta: bigint;
  balanceAfter: bigint;
  reservedAfter: bigint;
  referenceKind: string | null;
  referenceId: string | null;
  holdId?: string | null;
  refundOf?: string | null;
  idempotencyKey: string;
  actorType: string;
  actorId: string | null;
  reason?: string | null;
  details?: Record<string, unknown> | null;
}

const entrySelect = {
  id: true,
  seq: true,
  walletId: true,
  type: true,
  amount: true,
  reservedDelta: true,
  balanceAfter: true,
  reservedAfter: true,
  referenceKind: true,
  referenceId: true,
  holdId: true,
  refundOf: true,
  actorType: true,
  actorId: true,
  reason: true,
  details: true,
  createdAt: true,
} satisfies Prisma.LedgerEntrySelect;

type Row = Prisma.LedgerEntryGetPayload<{ select: typeof entrySelect }>;
export type EntryRecord = Omit<Row, 'type' | 'details'> & { type: EntryType; details: Record<string, unknown> | null };

function toRecord(row: Row): EntryRecord {
  return { ...row, type: row.type as EntryType, details: (row.details ?? null) as Record<string, unknown> | null };
}

/** Inserts the entry and returns its id; a reused idempotency key fails the whole transaction. */
export async function insertEntry(tx: Db, entry: NewEntry): Promise<string> {
  const row = await tx.ledgerEntry.create({
    data: {
      ...(entry.id ? { id: entry.id } : {}),
      walletId: entry.walletId,
      type: entry.type,
      amount: entry.amount,
      reservedDelta: entry.reservedDelta,
      balanceAfter: entry.balanceAfter,
      reservedAfter: entry.reservedAfter,
      referenceKind: entry.referenceKind,
      referenceId: entry.referenceId,
      holdId: entry.holdId ?? null,
      refundOf: entry.refundOf ?? null,
      idempotencyKey: entry.idempotencyKey,
      actorType: entry.actorType,
      actorId: entry.actorId,
      reason: entry.reason ?? null,
      ...(entry.details ? { details: entry.details as Prisma.InputJsonObject } : {}),
    },
    select: { id: true },
  });
  return row.id;
}

/**
 * Inserts entries with ids chosen by the caller, in order (so `seq`, the per-wallet balance_after
 * chain, follows it), with one INSERT … SELECT unnest(…) (run it with statement.ts); a reused
 * idempotency key fails the whole transaction, as for insertEntry.
 */
export function entriesStatement(entries: readonly (NewEntry & { id: string })[]): Statement | null {
  if (entries.length === 0) return null;
  const column = <T>(pick: (e: NewEntry & { id: string }) => T) => entries.map(pick);
  return {
    sql: `INSERT INTO "ledger_entry" ("id", "wallet_id", "type", "amount", "reserved_delta", "balance_after", "reserved_after", "reference_kind",
       "reference_id", "hold_id", "refund_of", "idempotency_key", "actor_type", "actor_id", "reason", "details")
     SELECT id, wallet_id, type, amount, reserved_delta, balance_after, reserved_after, reference_kind, reference_id, hold_id, refund_of,
       idempotency_key, actor_type, actor_id, reason, details::jsonb
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[], $9::text[],
       $10::uuid[], $11::uuid[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
       WITH ORDINALITY AS e(id, wallet_id, type, amount, reserved_delta, balance_after, reserved_after, reference_kind, reference_id, hold_id,
         refund_of, idempotency_key, actor_type, actor_id, reason, details, position)
     ORDER BY position`,
    params: [
      column((e) => e.id),
      column((e) => e.walletId),
      column((e) => e.type),
      column((e) => e.amount.toString()),
      column((e) => e.reservedDelta.toString()),
      column((e) => e.balanceAfter.toString()),
      column((e) => e.reservedAfter.toString()),
      column((e) => e.referenceKind),
      column((e) => e.referenceId),
      column((e) => e.holdId ?? null),
      column((e) => e.refundOf ?? null),
      column((e) => e.idempotencyKey),
      column((e) => e.actorType),
      column((e) => e.actorId),
      column((e) => e.reason ?? null),
      column((e) => (e.details ? JSON.stringify(e.details) : null)),
    ],
  };
}

export async function findEntryByKey(db: Db, idempotencyKey: string): Promise<EntryRecord | null> {
  const row = await db.ledgerEntry.findUnique({ where: { idempotencyKey }, select: entrySelect });
  return row ? toRecord(row) : null;
}

export interface EntryListFilters {
  walletId: string;
  types?: EntryType[];
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

function listWhere(filters: Omit<EntryListFilters, 'cursor' | 'limit'>): Prisma.LedgerEntryWhereInput {
  return {
    walletId: filters.walletId,
    ...(filters.types && filters.types.length > 0 ? { type: { in: filters.types } } : {}),
    ...(filters.from || filters.to
      ? { createdAt: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lt: filters.to } : {}) } }
      : {}),
  };
}

export async function listEntries(db: Db, filters: EntryListFilters): Promise<Page<EntryRecord>> {
  const rows = await db.ledgerEntry.findMany({
    where: { AND: [listWhere(filters), afterCursor(filters.cursor)] },
    orderBy: NEWEST_FIRST,
    take: filters.limit + 1,
    select: entrySelect,
  });
  return toPage(rows.map(toRecord), filters.limit);
}

export async function findEntry(db: Db, id: string): Promise<EntryRecord | null> {
  const row = await db.ledgerEntry.findUnique({ where: { id }, select: entrySelect });
  return row ? toRecord(row) : null;
}

/** Σ of the refunds already booked against a charge (positive micro-units). */
export async function refundedSoFar(db: Db, chargeId: string): Promise<bigint> {
  const result = await db.ledgerEntry.aggregate({ where: { refundOf: chargeId, type: 'refund' }, _sum: { amount: true } });
  return result._sum.amount ?? 0n;
}

/** Σ of the refunds of a charge booked up to and including the entry numbered `seq` (positive micro-units). */
export async function refundedUpTo(db: Db, chargeId: string, seq: bigint): Promise<bigint> {
  const result = await db.ledgerEntry.aggregate({ where: { refundOf: chargeId, type: 'refund', seq: { lte: seq } }, _sum: { amount: true } });
  return result._sum.amount ?? 0n;
}

/** Σ of a wallet's entries of one type (signed micro-units). */
export async function sumOfType(db: Db, walletId: string, type: EntryType): Promise<bigint> {
  const result = await db.ledgerEntry.aggregate({ where: { walletId, type }, _sum: { amount: true } });
  return result._sum.amount ?? 0n;
}
