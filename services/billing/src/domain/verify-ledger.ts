// The proof behind DESIGN.md §5 (issue 15 item 9): for every wallet, balance = Σ ledger amounts,
// reserved = Σ pending holds = Σ ledger reserved changes, available ≥ −credit limit; that the credit
// state agrees with the ledger where that can be decided — a known credit status, and an overdue
// episode (DESIGN.md §2 "Credit account") open exactly while the balance is below zero; and that no
// ledger row was changed — each entry's balance_after continues its wallet's chain, and the
// append-only triggers are in place and enabled. Read-only; returns every violation found.
import { CREDIT_STATUSES, formatMoney } from '@runfleet/contracts';
import type { Db } from '../db';

export interface Violation {
  walletId: string | null;
  rule:
    | 'balance_matches_ledger'
    | 'reserved_matches_holds'
    | 'reserved_matches_ledger'
    | 'available_above_credit_limit'
    | 'credit_status_known'
    | 'overdue_matches_balance'
    | 'ledger_chain_intact'
    | 'ledger_append_only';
  detail: string;
}

export interface VerifyReport {
  wallets: number;
  entries: number;
  violations: Violation[];
}

interface WalletSums {
  id: string;
  balance: bigint;
  reserved: bigint;
  creditLimit: bigint;
  creditStatus: string;
  overdueSince: Date | null;
  overdueStage: string;
  ledgerBalance: bigint;
  ledgerReserved: bigint;
  pendingHolds: bigint;
}

interface BrokenLink {
  walletId: string;
  entryId: string;
  seq: bigint;
  balanceAfter: bigint;
  expected: bigint;
  reservedAfter: bigint;
  expectedReserved: bigint;
}

const KNOWN_CREDIT_STATUSES: readonly string[] = CREDIT_STATUSES;

/**
 * Credit state the ledger decides. The overdue check reminds and suspends from the episode's start
 * (overdue-check.ts), which the database keeps from the balance (migration 20261205200000): an
 * episode open on a wallet at or above zero would suspend a customer who owes nothing, one missing
 * on a wallet below zero would never remind or suspend.
 */
function creditStateViolations(w: WalletSums): Violation[] {
  const found: Violation[] = [];
  if (!KNOWN_CREDIT_STATUSES.includes(w.creditStatus)) {
    found.push({ walletId: w.id, rule: 'credit_status_known', detail: `credit status ${JSON.stringify(w.creditStatus)} is none of ${CREDIT_STATUSES.join(', ')}` });
  }
  if (w.balance < 0n && w.overdueSince === null) {
    found.push({ walletId: w.id, rule: 'overdue_matches_balance', detail: `balance ${formatMoney(w.balance)} is below zero, but no overdue episode is open` });
  }
  if (w.balance >= 0n && (w.overdueSince !== null || w.overdueStage !== 'none')) {
    const since = w.overdueSince === null ? 'no start' : `since ${w.overdueSince.toISOString()}`;
    found.push({ walletId: w.id, rule: 'overdue_matches_balance', detail: `balance ${formatMoney(w.balance)} is not below zero, but an overdue episode is open (${since}, stage ${w.overdueStage})` });
  }
  return found;
}

export async function verifyLedger(db: Db): Promise<VerifyReport> {
  const violations: Violation[] = [];
  const wallets = await db.$queryRaw<WalletSums[]>`
    SELECT w."id", w."balance", w."reserved", w."credit_limit" AS "creditLimit", w."credit_status" AS "creditStatus",
      w."overdue_since" AS "overdueSince", w."overdue_stage" AS "overdueStage",
      COALESCE(l."balance", 0)::bigint AS "ledgerBalance", COALESCE(l."reserved", 0)::bigint AS "ledgerReserved",
      COALESCE(h."pending", 0)::bigint AS "pendingHolds"
    FROM "wallet" w
    LEFT JOIN (SELECT "wallet_id", sum("amount") AS "balance", sum("reserved_delta") AS "reserved" FROM "ledger_entry" GROUP BY "wallet_id") l
      ON l."wallet_id" = w."id"
    LEFT JOIN (SELECT "wallet_id", sum("amount") AS "pending" FROM "hold" WHERE "status" = 'pending' GROUP BY "wallet_id") h
      ON h."wallet_id" = w."id"
    ORDER BY w."id"`;
  for (const w of wallets) {
    if (w.balance !== w.ledgerBalance) {
      violations.push({ walletId: w.id, rule: 'balance_matches_ledger', detail: `balance ${formatMoney(w.balance)} ≠ Σ ledger ${formatMoney(w.ledgerBalance)}` });
    }
    if (w.reserved !== w.pendingHolds) {
      violations.push({ walletId: w.id, rule: 'reserved_matches_holds', detail: `reserved ${formatMoney(w.reserved)} ≠ Σ pending holds ${formatMoney(w.pendingHolds)}` });
    }
    if (w.reserved !== w.ledgerReserved) {
      violations.push({ walletId: w.id, rule: 'reserved_matches_ledger', detail: `reserved ${formatMoney(w.reserved)} ≠ Σ ledger reserved changes ${formatMoney(w.ledgerReserved)}` });
    }
    if (w.balance - w.reserved < -w.creditLimit) {
      violations.push({
        walletId: w.id,
        rule: 'available_above_credit_limit',
        detail: `available ${formatMoney(w.balance - w.reserved)} is below −credit limit ${formatMoney(-w.creditLimit)}`,
      });
    }
    violations.push(...creditStateViolations(w));
  }

  // Each entry's *_after must be the previous entry's plus its own change: an edited amount or
  // balance breaks the chain at that row.
  const broken = await db.$queryRaw<BrokenLink[]>`
    SELECT "walletId", "entryId", "seq", "balanceAfter", "expected", "reservedAfter", "expectedReserved" FROM (
      SELECT "wallet_id" AS "walletId", "id" AS "entryId", "seq", "balance_after" AS "balanceAfter", "reserved_after" AS "reservedAfter",
        (COALESCE(lag("balance_after") OVER w, 0) + "amount")::bigint AS "expected",
        (COALESCE(lag("reserved_after") OVER w, 0) + "reserved_delta")::bigint AS "expectedReserved"
      FROM "ledger_entry" WINDOW w AS (PARTITION BY "wallet_id" ORDER BY "seq")) chain
    WHERE "balanceAfter" <> "expected" OR "reservedAfter" <> "expectedReserved"
    ORDER BY "seq"`;
  for (const b of broken) {
    violations.push({
      walletId: b.walletId,
      rule: 'ledger_chain_intact',
      detail: `entry ${b.entryId} (seq ${b.seq}): balance_after ${formatMoney(b.balanceAfter)} / reserved_after ${formatMoney(b.reservedAfter)}, the chain says ${formatMoney(b.expected)} / ${formatMoney(b.expectedReserved)}`,
    });
  }

  const triggers = await db.$queryRaw<{ name: string; enabled: string }[]>`
    SELECT t."tgname" AS "name", t."tgenabled"::text AS "enabled" FROM pg_trigger t
    WHERE t."tgrelid" = '"ledger_entry"'::regclass AND NOT t."tgisinternal"`;
  for (const name of ['ledger_entry_append_only', 'ledger_entry_no_truncate']) {
    const trigger = triggers.find((t) => t.name === name);
    if (!trigger || trigger.enabled === 'D') {
      violations.push({ walletId: null, rule: 'ledger_append_only', detail: `trigger ${name} is ${trigger ? 'disabled' : 'missing'}: ledger rows could have been changed` });
    }
  }

  const [count] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*)::bigint AS n FROM "ledger_entry"`;
  return { wallets: wallets.length, entries: Number(count?.n ?? 0n), violations };
}
