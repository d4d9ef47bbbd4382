// Queue billing.commissions: what resellers earn (issue 16 item 1; DESIGN.md §2 "Commission").
// reseller.created / updated / tier_changed → billing's copy of the reseller's rate and tier bonus;
// wallet.charged (a job) and order.fulfilled → a pending commission (commission.earned);
// wallet.refunded → the clawback of the refunded share. One queue keeps a reseller's terms ahead of
// its sales and a refund behind its charge; each effect commits with its inbox row and a unique
// key, so a redelivered event changes nothing.
import { consumerQueue } from '@runfleet/contracts';
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import { MONEY_TRANSACTION, type Prisma, type PrismaClient } from '../db';
import { clawBackOnRefund } from '../domain/claw-back-commission';
import { earnOnCharge, earnOnOrder } from '../domain/earn-commission';
import { termsOnCreated, termsOnTierChanged, termsOnUpdated } from '../domain/keep-reseller-terms';
import type { EarningsPolicy } from '../domain/use-case-deps';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('billing', 'commissions');
export const COMMISSIONS_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface CommissionsDeps {
  prisma: PrismaClient;
  now: () => Date;
  earnings: Pick<EarningsPolicy, 'tierBonusBps'>;
}

export function consumeCommissions(messaging: Messaging, deps: CommissionsDeps): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: COMMISSIONS_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma, MONEY_TRANSACTION),
    handler: async (envelope, { tx, log }) => {
      let outcome: string = 'terms_kept';
      switch (envelope.type) {
        case 'reseller.created':
          await termsOnCreated(tx, envelope.data, deps.earnings.tierBonusBps);
          break;
        case 'reseller.updated':
          await termsOnUpdated(tx, envelope.data, deps.earnings.tierBonusBps);
          break;
        case 'reseller.tier_changed':
          await termsOnTierChanged(tx, envelope.data);
          break;
        case 'wallet.charged':
          outcome = await earnOnCharge(tx, envelope.data, deps.now(), log);
          break;
        case 'order.fulfilled':
          outcome = await earnOnOrder(tx, envelope.data, deps.now(), log);
          break;
        default:
          outcome = await clawBackOnRefund(tx, envelope.data, deps.now());
      }
      log.debug({ event: envelope.type, outcome }, 'commission event applied');
    },
  });
}
