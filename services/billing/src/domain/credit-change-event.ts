// wallet.credit_changed (issue 15 item 8: every credit-setting change is audited and emitted): built
// from the locked wallet before and after, written to the outbox in the transaction of the change
// and its wallet_change audit row. Used by the admin's PATCH and by the overdue check's suspension.
import { formatMoney } from '@runfleet/contracts';
import { emitEvents, event } from '../data/outbox.repository';
import type { CreditSettings, WalletRecord } from '../data/wallet.repository';
import type { Db } from '../db';

type Settings = Omit<CreditSettings, 'lowBalanceArmed'>;
const FIELDS = ['creditLimit', 'creditStatus', 'lowBalanceThreshold'] as const;

/** The settings that differ between before and after; empty when the change changed nothing. */
export function changedCreditFields(before: Settings, after: Settings): string[] {
  return FIELDS.filter((field) => before[field] !== after[field]);
}

export async function emitCreditChanged(
  tx: Db,
  wallet: WalletRecord,
  after: Settings,
  change: { changeId: string; actorType: 'admin' | 'system'; actorId: string; reason: string },
): Promise<void> {
  const changedFields = changedCreditFields(wallet, after);
  // A PATCH that repeats the current settings is still audited, but nothing changed to announce.
  if (changedFields.length === 0) return;
  const view = (s: Settings) => ({ creditLimit: formatMoney(s.creditLimit), creditStatus: s.creditStatus, lowBalanceThreshold: formatMoney(s.lowBalanceThreshold) });
  await emitEvents(tx, [
    event('wallet.credit_changed', {
      walletId: wallet.id,
      ownerType: wallet.ownerType,
      customerId: wallet.ownerType === 'customer' ? wallet.ownerId : null,
      resellerId: wallet.ownerType === 'customer' ? wallet.resellerId : wallet.ownerId,
      currency: wallet.currency,
      before: view(wallet),
      after: view(after),
      changedFields,
      ...change,
    }),
  ]);
}
