// Queue reseller.tier-sales: the sales that decide resellers' tiers (DESIGN.md §2 tiers), from
// billing's events — wallet.charged (a customer's job charge; order charges are skipped there)
// and order.paid (a paid order). Each sale is recorded once and the tier recomputed in the same
// transaction as the inbox row; a tier change emits reseller.tier_changed.
import { consumerQueue } from '@runfleet/contracts';
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import type { Prisma, PrismaClient } from '../db';
import { recordChargeSale, recordOrderSale } from '../domain/record-sale';
import type { TierPolicy } from '../domain/tier-rules';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('reseller', 'tier-sales');
export const TIER_SALES_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface TierSalesDeps {
  prisma: PrismaClient;
  now: () => Date;
  tierPolicy: TierPolicy;
}

export function consumeTierSales(messaging: Messaging, deps: TierSalesDeps): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: TIER_SALES_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma),
    handler: async (envelope, { tx, log }) => {
      const outcome =
        envelope.type === 'wallet.charged'
          ? await recordChargeSale(tx, envelope, deps.now(), deps.tierPolicy)
          : await recordOrderSale(tx, envelope, deps.now(), deps.tierPolicy);
      if (outcome.recorded && outcome.decision?.changed) {
        log.info({ resellerId: outcome.decision.resellerId, from: outcome.decision.previousTier, to: outcome.decision.tier }, 'reseller tier changed');
      }
    },
  });
}
