// The scheduled overdue check (DESIGN.md §2 "Credit account: ... an overdue check reminds, then
// suspends"; issue 15 item 8). A wallet whose balance has stayed below zero longer than the reminder
// delay gets wallet.overdue_reminder, once per overdue episode; past the suspension delay its credit
// status becomes suspended (audited in wallet_change as the system's `overdue-check`, emitted as
// wallet.credit_changed), so it refuses new holds and orders. The episode — when the balance went
// below zero, and how far the check has gone — is kept on the wallet by a database trigger, which
// ends it (re-arming the check) when the balance is back at zero or above. Safe with several
// replicas: due wallets are claimed with SKIP LOCKED and each step is recorded under the lock, in
// the transaction that writes its events.
import { formatMoney } from '@runfleet/contracts';
import { emitEvents, event } from '../data/outbox.repository';
import { lockOverdueWallets, saveCreditSettings, saveOverdueStage, type OverdueWallet } from '../data/wallet.repository';
import { MONEY_TRANSACTION, type Db } from '../db';
import { emitCreditChanged } from './credit-change-event';
import type { UseCaseDeps } from './use-case-deps';

const DAY_MS = 86_400_000;
const CHECKER = { actorType: 'system', actorId: 'overdue-check' } as const;

export interface OverduePolicy {
  /** config OVERDUE_REMIND_AFTER_DAYS */
  remindAfterDays: number;
  /** config OVERDUE_SUSPEND_AFTER_DAYS */
  suspendAfterDays: number;
}

export interface OverdueOutcome {
  reminded: number;
  suspended: number;
  /** wallets looked at in this batch (a full batch means there may be more) */
  claimed: number;
}

/** One batch of due wallets in one transaction. */
export async function checkOverdueWallets(deps: UseCaseDeps, policy: OverduePolicy, batch = 100): Promise<OverdueOutcome> {
  return deps.prisma.$transaction(async (tx) => {
    const now = deps.now().getTime();
    const due = await lockOverdueWallets(tx, new Date(now - policy.remindAfterDays * DAY_MS), new Date(now - policy.suspendAfterDays * DAY_MS), batch);
    const outcome: OverdueOutcome = { reminded: 0, suspended: 0, claimed: due.length };
    for (const wallet of due) {
      const suspendAt = new Date(wallet.overdueSince.getTime() + policy.suspendAfterDays * DAY_MS);
      let stage = wallet.overdueStage;
      // A wallet found past both delays at once (the check was down, or the delays are equal) is
      // reminded as well as suspended: the reminder is what tells the customer why.
      if (stage === 'none') {
        await remind(tx, wallet, suspendAt);
        stage = 'reminded';
        outcome.reminded += 1;
      }
      if (suspendAt.getTime() <= now) {
        if (await suspend(tx, wallet)) outcome.suspended += 1;
        stage = 'suspended';
      }
      await saveOverdueStage(tx, wallet.id, stage);
    }
    return outcome;
  }, MONEY_TRANSACTION);
}

/** Checks batch after batch until no due wallet is left (so no transaction holds many locks). */
export async function checkAllOverdueWallets(deps: UseCaseDeps, policy: OverduePolicy, batch = 100): Promise<Omit<OverdueOutcome, 'claimed'>> {
  const total = { reminded: 0, suspended: 0 };
  for (;;) {
    const { reminded, suspended, claimed } = await checkOverdueWallets(deps, policy, batch);
    total.reminded += reminded;
    total.suspended += suspended;
    if (claimed < batch) return total;
  }
}

async function remind(tx: Db, wallet: OverdueWallet, suspendAt: Date): Promise<void> {
  await emitEvents(tx, [
    event('wallet.overdue_reminder', {
      walletId: wallet.id,
      ownerType: wallet.ownerType,
      customerId: wallet.ownerType === 'customer' ? wallet.ownerId : null,
      resellerId: wallet.ownerType === 'customer' ? wallet.resellerId : wallet.ownerId,
      balance: formatMoney(wallet.balance),
      currency: wallet.currency,
      overdueSince: wallet.overdueSince.toISOString(),
      suspendAt: suspendAt.toISOString(),
    }),
  ]);
}

/** Suspends an active wallet; one an admin already suspended, defaulted or closed is left as it is. */
async function suspend(tx: Db, wallet: OverdueWallet): Promise<boolean> {
  if (wallet.creditStatus !== 'active') return false;
  const after = { creditLimit: wallet.creditLimit, creditStatus: 'suspended' as const, lowBalanceThreshold: wallet.lowBalanceThreshold };
  const reason = `balance below zero since ${wallet.overdueSince.toISOString()}`;
  const changeId = await saveCreditSettings(tx, wallet, { ...after, lowBalanceArmed: wallet.lowBalanceArmed }, { ...CHECKER, reason });
  await emitCreditChanged(tx, wallet, after, { changeId, ...CHECKER, reason });
  return true;
}
