// A reseller earns commission on its customers' sales (issue 16 item 1; DESIGN.md §4 "Job" step 5,
// "Order"): on wallet.charged for a job, and on order.fulfilled for an order (an order's charge
// earns nothing until the order is fulfilled, so its wallet.charged is passed over). The rate is the
// reseller's rate plus its tier's bonus as billing's read model knows them when the sale arrives;
// the amount is rounded per commission (commission-rules.ts). The commission is pending until the
// approval job (or an admin) approves it; commission.earned is emitted with it. One commission per
// charge or order (a unique key), in the consumer's inbox transaction.
import { formatMoney, parseMoney, type EventData } from '@runfleet/contracts';
import type { Logger } from '@runfleet/service-kit';
import { chargeOfOrder, insertCommission, type SourceKind } from '../data/commission.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { findTerms } from '../data/reseller-terms.repository';
import { findWalletOfOwner } from '../data/wallet.repository';
import type { Db } from '../db';
import { commissionOn } from './commission-rules';

export type EarnOutcome = 'earned' | 'duplicate' | 'direct_customer' | 'not_a_job_charge' | 'nothing_sold' | 'currency_mismatch';

interface Sale {
  resellerId: string;
  customerId: string;
  sourceKind: SourceKind;
  sourceId: string;
  chargeEntryId: string | null;
  base: bigint;
  currency: string;
}

export async function earnOnCharge(tx: Db, charged: EventData<'wallet.charged'>, now: Date, log: Logger): Promise<EarnOutcome> {
  if (charged.resellerId === null) return 'direct_customer';
  if (charged.reference.kind !== 'job') return 'not_a_job_charge';
  return earn(tx, {
    resellerId: charged.resellerId,
    customerId: charged.customerId,
    sourceKind: 'job',
    sourceId: charged.reference.id,
    chargeEntryId: charged.transactionId,
    base: parseMoney(charged.amount, 'amount'),
    currency: charged.currency,
  }, now, log);
}

export async function earnOnOrder(tx: Db, order: EventData<'order.fulfilled'>, now: Date, log: Logger): Promise<EarnOutcome> {
  if (order.resellerId === null) return 'direct_customer';
  // the charge the order kept: a refund of it claws this commission back
  return earn(tx, {
    resellerId: order.resellerId,
    customerId: order.customerId,
    sourceKind: 'order',
    sourceId: order.orderId,
    chargeEntryId: await chargeOfOrder(tx, order.orderId),
    base: parseMoney(order.total, 'total'),
    currency: order.currency,
  }, now, log);
}

async function earn(tx: Db, sale: Sale, now: Date, log: Logger): Promise<EarnOutcome> {
  if (sale.base === 0n) return 'nothing_sold';
  // reseller.created comes first on this queue and opens the wallet on billing.accounts; should
  // either lag, the message is retried rather than the commission lost
  const terms = await findTerms(tx, sale.resellerId);
  if (!terms) throw new Error(`no commission terms for reseller ${sale.resellerId} yet (reseller.created not seen)`);
  const wallet = await findWalletOfOwner(tx, 'reseller', sale.resellerId);
  if (!wallet) throw new Error(`reseller ${sale.resellerId} has no earnings wallet yet`);
  if (wallet.currency !== sale.currency) {
    // the earnings wallet holds one currency; a sale in another earns nothing until billing converts
    log.warn({ resellerId: sale.resellerId, source: sale.sourceId, sale: sale.currency, wallet: wallet.currency }, 'sale in another currency than the reseller earns in; no commission');
    return 'currency_mismatch';
  }
  const amount = commissionOn(sale.base, terms.commissionRateBps, terms.tierBonusBps);
  const commission = await insertCommission(tx, {
    resellerId: sale.resellerId,
    walletId: wallet.id,
    customerId: sale.customerId,
    kind: 'earning',
    clawbackOf: null,
    sourceKind: sale.sourceKind,
    sourceId: sale.sourceId,
    chargeEntryId: sale.chargeEntryId,
    base: sale.base,
    rateBps: terms.commissionRateBps,
    tier: terms.tier,
    tierBonusBps: terms.tierBonusBps,
    amount,
    currency: sale.currency,
    status: 'pending',
    earnedAt: now,
    idempotencyKey: `${sale.sourceKind}:${sale.sourceId}:earning`,
  });
  if (!commission) return 'duplicate';
  await emitEvents(tx, [
    event('commission.earned', {
      commissionId: commission.id,
      resellerId: commission.resellerId,
      customerId: commission.customerId,
      source: { kind: commission.sourceKind, id: commission.sourceId },
      saleAmount: formatMoney(commission.base),
      rateBps: commission.rateBps,
      tierBonusBps: commission.tierBonusBps,
      amount: formatMoney(commission.amount),
      currency: commission.currency,
    }),
  ]);
  return 'earned';
}
