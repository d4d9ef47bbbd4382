// A sale billing reported for a reseller (DESIGN.md §2 tiers: "sum of its customers' charges and
// paid orders, from billing's events"): recorded once per event and per charge or order, then the
// reseller's tier is recomputed in the same transaction.
import { parseMoney, type EventData, type Envelope } from '@runfleet/contracts';
import { insertSale, type NewSale } from '../data/sale.repository';
import type { Db } from '../db';
import { recomputeTier, type TierDecision } from './recompute-tier';
import type { TierPolicy } from './tier-rules';

export type SaleOutcome =
  | { recorded: true; decision: TierDecision | null }
  | { recorded: false; why: 'no_reseller' | 'counted_as_order' | 'duplicate' };

async function record(tx: Db, sale: NewSale, now: Date, policy: TierPolicy): Promise<SaleOutcome> {
  if (!(await insertSale(tx, sale))) return { recorded: false, why: 'duplicate' };
  return { recorded: true, decision: await recomputeTier(tx, sale.resellerId, now, policy) };
}

/**
 * wallet.charged: a customer's charge counts for its reseller. A charge for an order is skipped —
 * the order counts once, from order.paid — so only job (and other non-order) charges count here.
 */
export async function recordChargeSale(
  tx: Db,
  envelope: Envelope<'wallet.charged', EventData<'wallet.charged'>>,
  now: Date,
  policy: TierPolicy,
): Promise<SaleOutcome> {
  const { data } = envelope;
  if (data.resellerId === null) return { recorded: false, why: 'no_reseller' };
  if (data.reference.kind === 'order') return { recorded: false, why: 'counted_as_order' };
  return record(
    tx,
    {
      eventId: envelope.id,
      resellerId: data.resellerId,
      customerId: data.customerId,
      sourceKind: 'job_charge',
      sourceId: data.transactionId,
      amountMicros: parseMoney(data.amount),
      currency: data.currency,
      occurredAt: new Date(envelope.occurredAt),
    },
    now,
    policy,
  );
}

/** order.paid: the order's total counts for the reseller it was bought through. */
export async function recordOrderSale(
  tx: Db,
  envelope: Envelope<'order.paid', EventData<'order.paid'>>,
  now: Date,
  policy: TierPolicy,
): Promise<SaleOutcome> {
  const { data } = envelope;
  if (data.resellerId === null) return { recorded: false, why: 'no_reseller' };
  return record(
    tx,
    {
      eventId: envelope.id,
      resellerId: data.resellerId,
      customerId: data.customerId,
      sourceKind: 'order',
      sourceId: data.orderId,
      amountMicros: parseMoney(data.total),
      currency: data.currency,
      occurredAt: new Date(envelope.occurredAt),
    },
    now,
    policy,
  );
}
