// Approval of commissions (issue 16 item 1): after the holding period (config
// COMMISSION_HOLDING_DAYS, default 14) the scheduled job approves a reseller's pending earnings and
// their clawbacks and credits them to its earnings wallet (ledger type commission); an admin may
// approve one earlier. Safe with several replicas: each reseller is approved in its own
// transaction under its earnings wallet's row lock, taken with SKIP LOCKED by the job (a replica
// busy with a reseller is skipped, the next pass gets it), and the pending rows are re-read under
// that lock, so a commission is never approved or credited twice.
import { AppError } from '@runfleet/service-kit';
import { approveCommissions, findCommission, lockCommission, lockDueEarnings, resellersWithDueEarnings, type CommissionRecord } from '../data/commission.repository';
import { lockWallet, tryLockWalletOfOwner } from '../data/wallet.repository';
import { MONEY_TRANSACTION } from '../db';
import { requireRole, type Actor } from './actor';
import { APPROVER, bookEarnings } from './book-earnings';
import type { UseCaseDeps } from './use-case-deps';

const DAY_MS = 86_400_000;

export const commissionNotFound = () => AppError.notFound('COMMISSION_NOT_FOUND', 'There is no commission with this id.');

/** One pass over every reseller with due earnings; returns how many commissions it approved. */
export async function approveDueCommissions(deps: UseCaseDeps, policy: { holdingDays: number }, batch = 100): Promise<number> {
  const cutoff = new Date(deps.now().getTime() - policy.holdingDays * DAY_MS);
  let approved = 0;
  for (const resellerId of await resellersWithDueEarnings(deps.prisma, cutoff, batch)) {
    approved += await deps.prisma.$transaction(async (tx) => {
      const wallet = await tryLockWalletOfOwner(tx, 'reseller', resellerId);
      if (!wallet) return 0;
      const due = await lockDueEarnings(tx, resellerId, cutoff);
      const count = await approveCommissions(tx, due.map((c) => c.id), deps.now(), APPROVER);
      await bookEarnings(tx, wallet, resellerId);
      return count;
    }, MONEY_TRANSACTION);
  }
  return approved;
}

/** An admin approves a pending earning (and its clawbacks) before its holding period is over. */
export async function approveCommission(deps: UseCaseDeps, actor: Actor, commissionId: string): Promise<CommissionRecord> {
  requireRole(actor, 'admin');
  return deps.prisma.$transaction(async (tx) => {
    const found = await findCommission(tx, commissionId);
    if (!found) throw commissionNotFound();
    const wallet = await lockWallet(tx, found.walletId);
    const commission = await lockCommission(tx, commissionId);
    if (!wallet || !commission) throw commissionNotFound();
    if (commission.kind !== 'earning') {
      throw AppError.conflict('COMMISSION_NOT_APPROVABLE', 'A clawback is approved with the commission it takes back.');
    }
    if (commission.status !== 'pending') throw AppError.conflict('COMMISSION_NOT_PENDING', `The commission is already ${commission.status}.`);
    await approveCommissions(tx, [commission.id], deps.now(), actor.id);
    await bookEarnings(tx, wallet, commission.resellerId);
    return (await findCommission(tx, commissionId))!;
  }, MONEY_TRANSACTION);
}
