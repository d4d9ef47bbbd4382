// Helpers for the commission and payout suites: a reseller's terms as the reseller service announces
// them, and a customer's job charge booked on the ledger with the wallet.charged billing emits for it.
import { randomUUID } from 'node:crypto';
import { formatMoney, type EventData } from '@runfleet/contracts';
import { lockWallet } from '../../src/data/wallet.repository';
import { MONEY_TRANSACTION } from '../../src/db';
import { bookMovement } from '../../src/domain/book-movement';
import type { Broker } from './broker';
import type { World } from './world';

export function resellerCreated(resellerId: string, commissionRateBps: number, tier: EventData<'reseller.created'>['tier'] = 'bronze'): EventData<'reseller.created'> {
  return { resellerId, name: 'Acme', email: 'ops@acme.example', commissionRateBps, tier, currency: 'EUR' };
}

export function tierChanged(resellerId: string, tier: EventData<'reseller.tier_changed'>['tier'], tierBonusBps: number): EventData<'reseller.tier_changed'> {
  return { resellerId, previousTier: 'bronze', tier, direction: 'promoted', tierBonusBps, trailingSales: '10000', currency: 'EUR' };
}

/** wallet.charged for a job of `customerId` (a reseller's customer), without a ledger entry behind it. */
export function jobCharged(customerId: string, resellerId: string | null, amount: bigint, walletId: string = randomUUID()): EventData<'wallet.charged'> {
  return {
    walletId,
    customerId,
    resellerId,
    transactionId: randomUUID(),
    amount: formatMoney(amount),
    currency: 'EUR',
    balanceAfter: '0',
    holdId: null,
    reference: { kind: 'job', id: randomUUID() },
  };
}

/** Books a real job charge on the customer's wallet and publishes its wallet.charged; returns the event data. */
export async function chargeJob(world: World, broker: Broker, customer: 'customerA' | 'customerB', amount: bigint): Promise<EventData<'wallet.charged'>> {
  const walletId = world.wallets[customer];
  const jobId = randomUUID();
  const booked = await world.prisma.$transaction(async (tx) => {
    const wallet = (await lockWallet(tx, walletId))!;
    return bookMovement(tx, wallet, {
      type: 'charge',
      balanceDelta: -amount,
      reservedDelta: 0n,
      referenceKind: 'job',
      referenceId: jobId,
      idempotencyKey: `job:${jobId}:charge`,
      actorType: 'system',
      actorId: null,
    });
  }, MONEY_TRANSACTION);
  const data: EventData<'wallet.charged'> = {
    walletId,
    customerId: world.ids[customer],
    resellerId: booked.wallet.resellerId,
    transactionId: booked.entryId,
    amount: formatMoney(amount),
    currency: 'EUR',
    balanceAfter: formatMoney(booked.wallet.balance),
    holdId: null,
    reference: { kind: 'job', id: jobId },
  };
  await broker.publish('wallet.charged', data);
  return data;
}
