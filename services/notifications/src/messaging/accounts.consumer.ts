// Queue notifications.accounts: the reseller service's customer.* and reseller.* events keep the
// read model of who can be told and at which address (domain/apply-account-event.ts).
import { consumerQueue } from '@runfleet/contracts';
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import type { Prisma, PrismaClient } from '../db';
import { applyAccountEvent } from '../domain/apply-account-event';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('notifications', 'accounts');
export const ACCOUNTS_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface AccountsDeps {
  prisma: PrismaClient;
  now: () => Date;
}

export function consumeAccounts(messaging: Messaging, deps: AccountsDeps): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: ACCOUNTS_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma),
    handler: async (envelope, { tx }) => {
      await applyAccountEvent(tx, envelope, deps.now());
    },
  });
}
