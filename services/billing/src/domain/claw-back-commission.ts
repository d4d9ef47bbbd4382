// A refund of a charge takes back the commission earned on it in proportion (issue 16 item 1;
// DESIGN.md §10 "Resellers: commissions clawed back in proportion to refunds"): on wallet.refunded,
// the refund's ledger entry names the charge it gives back; the earning on that charge gets a
// negative commission so that all its clawbacks equal its amount × refunded ÷ charged (rounded
// half down on the running total, commission-rules.ts). A clawback of a pending earning is
// approved with it; of an approved or paid one, at once — taken off the earnings wallet as far as
// it goes and off the next approvals after that (book-earnings.ts), so it reduces the next payout.
// Under the reseller's wallet lock, then the earning's row lock, in the consumer's transaction.
import { parseMoney, type EventData } from '@runfleet/contracts';
import { clawedBackSoFar, findEarningOfCharge, insertCommission, lockCommission } from '../data/commission.repository';
import { findEntry, refundedUpTo } from '../data/ledger.repository';
import { lockWallet } from '../data/wallet.repository';
import type { Db } from '../db';
import { APPROVER, bookEarnings } from './book-earnings';
import { clawedBackAfter } from './commission-rules';

export type ClawbackOutcome = 'clawed_back' | 'duplicate' | 'not_a_charge_refund' | 'no_commission' | 'nothing_to_claw_back';

export async function clawBackOnRefund(tx: Db, refunded: EventData<'wallet.refunded'>, now: Date): Promise<ClawbackOutcome> {
  const refund = await findEntry(tx, refunded.transactionId);
  if (!refund?.refundOf) return 'not_a_charge_refund';
  const found = await findEarningOfCharge(tx, refund.refundOf);
  if (!found) return 'no_commission';
  const wallet = await lockWallet(tx, found.walletId);
  const earning = await lockCommission(tx, found.id);
  const charge = await findEntry(tx, refund.refundOf);
  if (!wallet || !earning || !charge) throw new Error(`commission ${found.id} lost its wallet or charge`);

  const target = clawedBackAfter(earning.amount, await refundedUpTo(tx, charge.id, refund.seq), -charge.amount);
  const amount = target - (await clawedBackSoFar(tx, earning.id));
  if (amount <= 0n) return 'nothing_to_claw_back';
  const approvedNow = earning.status !== 'pending';
  const clawback = await insertCommission(tx, {
    resellerId: earning.resellerId,
    walletId: earning.walletId,
    customerId: earning.customerId,
    kind: 'clawback',
    clawbackOf: earning.id,
    sourceKind: earning.sourceKind,
    sourceId: earning.sourceId,
    chargeEntryId: refund.id,
    base: -parseMoney(refunded.amount, 'amount'),
    rateBps: earning.rateBps,
    tier: earning.tier,
    tierBonusBps: earning.tierBonusBps,
    amount: -amount,
    currency: earning.currency,
    status: approvedNow ? 'approved' : 'pending',
    earnedAt: now,
    approvedAt: approvedNow ? now : null,
    approvedBy: approvedNow ? APPROVER : null,
    idempotencyKey: `refund:${refund.id}:clawback`,
  });
  if (!clawback) return 'duplicate';
  if (approvedNow) await bookEarnings(tx, wallet, earning.resellerId);
  return 'clawed_back';
}
