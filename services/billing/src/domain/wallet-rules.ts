// The money rules of a wallet as pure functions (DESIGN.md §5, §10 "Holds"): what is available,
// whether a new hold or charge fits above −credit limit, and when wallet.low_balance fires —
// once per crossing below the threshold, re-armed when available rises back to it (issue 15 item 5).
import type { WalletRecord } from '../data/wallet.repository';

export type WalletMoney = Pick<WalletRecord, 'balance' | 'reserved' | 'creditLimit' | 'lowBalanceThreshold' | 'lowBalanceArmed'>;

export function availableOf(wallet: Pick<WalletRecord, 'balance' | 'reserved'>): bigint {
  return wallet.balance - wallet.reserved;
}

/** Whether `amount` more may be reserved or charged: available − amount ≥ −credit limit. */
export function fits(wallet: WalletMoney, amount: bigint): boolean {
  return availableOf(wallet) - amount >= -wallet.creditLimit;
}

/** What one booking does to a wallet. */
export interface Movement {
  /** signed change of the balance (credits positive, charges negative) */
  balanceDelta: bigint;
  /** signed change of reserved (a hold positive, its release or posting negative) */
  reservedDelta: bigint;
}

export interface MovementResult {
  balance: bigint;
  reserved: bigint;
  lowBalanceArmed: boolean;
  /** this movement took available below the threshold while armed: emit wallet.low_balance */
  lowBalanceCrossed: boolean;
}

/**
 * The wallet after `movement`. Only a balance decrease (a charge) reports a crossing, so a hold
 * does not alarm before any money is spent; anything that leaves available at or above the
 * threshold re-arms.
 */
export function applyMovement(wallet: WalletMoney, movement: Movement): MovementResult {
  const balance = wallet.balance + movement.balanceDelta;
  const reserved = wallet.reserved + movement.reservedDelta;
  const available = balance - reserved;
  if (available >= wallet.lowBalanceThreshold) return { balance, reserved, lowBalanceArmed: true, lowBalanceCrossed: false };
  if (movement.balanceDelta < 0n && wallet.lowBalanceArmed) return { balance, reserved, lowBalanceArmed: false, lowBalanceCrossed: true };
  return { balance, reserved, lowBalanceArmed: wallet.lowBalanceArmed, lowBalanceCrossed: false };
}
