// Queue runner-registry.accounts: the reseller service's customers and projects, kept as this
// service's read model (issue 14 item 4). Each effect commits with its inbox row.
import { consumerQueue } from '@runfleet/contracts';
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import type { Prisma, PrismaClient } from '../db';
import { applyAccountEvent, type AccountEnvelope, type AccountEvent } from '../domain/apply-account-event';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which the reseller declares
// ahead: a customer or project created before this service first ran still reaches it.
const QUEUE = consumerQueue('runner-registry', 'accounts');
export const ACCOUNTS_CONCERN = QUEUE.concern;

export function consumeAccounts(messaging: Messaging, deps: { prisma: PrismaClient }): Promise<Consumer<AccountEvent, Prisma.TransactionClient>> {
  return messaging.consume<AccountEvent, Prisma.TransactionClient>({
    concern: ACCOUNTS_CONCERN,
    events: QUEUE.events,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma),
    handler: async (envelope, { tx, log }) => {
      await applyAccountEvent(tx, envelope as unknown as AccountEnvelope);
      log.debug({ event: envelope.type }, 'account read model updated');
    },
  });
}
