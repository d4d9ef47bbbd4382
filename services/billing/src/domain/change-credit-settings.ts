// Credit accounts (issue 15 item 8; DESIGN.md §2 "Credit account"): an admin sets a wallet's credit
// limit, credit status (active | suspended | defaulted | closed) and low-balance threshold. A
// suspended, defaulted or closed wallet refuses new holds and orders. A limit below what the
// wallet already owes is refused (the wallet's CHECK would be broken). Every change is audited in
// wallet_change with who and why, and emitted as wallet.credit_changed in the same transaction.
import { formatMoney } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { lockWallet, saveCreditSettings, type CreditStatus, type WalletRecord } from '../data/wallet.repository';
import { MONEY_TRANSACTION } from '../db';
import { requireRole, type Actor } from './actor';
import { billingNotFound } from './billing-errors';
import { emitCreditChanged } from './credit-change-event';
import type { UseCaseDeps } from './use-case-deps';
import { availableOf } from './wallet-rules';

export interface CreditSettingsInput {
  creditLimit?: bigint;
  creditStatus?: CreditStatus;
  lowBalanceThreshold?: bigint;
  reason: string;
}

export async function changeCreditSettings(deps: UseCaseDeps, actor: Actor, walletId: string, input: CreditSettingsInput): Promise<WalletRecord> {
  requireRole(actor, 'admin');
  return deps.prisma.$transaction(async (tx) => {
    const wallet = await lockWallet(tx, walletId);
    if (!wallet) throw billingNotFound.wallet();
    const after = {
      creditLimit: input.creditLimit ?? wallet.creditLimit,
      creditStatus: input.creditStatus ?? wallet.creditStatus,
      lowBalanceThreshold: input.lowBalanceThreshold ?? wallet.lowBalanceThreshold,
    };
    const available = availableOf(wallet);
    if (available < -after.creditLimit) {
      throw AppError.conflict(
        'WALLET_CREDIT_LIMIT_TOO_LOW',
        `The wallet's available balance is ${formatMoney(available)}, below −${formatMoney(after.creditLimit)}; settle the debt first.`,
      );
    }
    // A threshold moved above available must not fire later for a crossing that never happened.
    const lowBalanceArmed = available >= after.lowBalanceThreshold ? true : wallet.lowBalanceArmed && input.lowBalanceThreshold === undefined;
    const changeId = await saveCreditSettings(tx, wallet, { ...after, lowBalanceArmed }, { actorType: actor.type, actorId: actor.id, reason: input.reason });
    await emitCreditChanged(tx, wallet, after, { changeId, actorType: 'admin', actorId: actor.id, reason: input.reason });
    return { ...wallet, ...after, lowBalanceArmed };
  }, MONEY_TRANSACTION);
}
