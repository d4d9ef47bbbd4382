// Queue billing.accounts: every customer and reseller gets its wallet (DESIGN.md §2), and billing
// keeps each one's name and email for invoices. customer.created → the customer's wallet;
// reseller.created → the reseller's commission wallet; all four events → the account's name.
import { consumerQueue } from '@runfleet/contracts';
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import type { Prisma, PrismaClient } from '../db';
import { keepAccountOf } from '../domain/keep-accounts';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('billing', 'accounts');
export const ACCOUNTS_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface AccountsDeps {
  prisma: PrismaClient;
}

export function consumeAccounts(messaging: Messaging, deps: AccountsDeps): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: ACCOUNTS_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma),
    handler: async (envelope, { tx }) => {
      await keepAccountOf(tx, envelope, new Date(envelope.occurredAt));
    },
  });
}
