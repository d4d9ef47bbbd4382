// Queue runner-registry.accounts: the reseller service's customers and projects, kept as this
// service's read model (issue 14 item 4). Each effect commits with its inbox row.
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import type { Prisma, PrismaClient } from '../db';
import { ACCOUNT_EVENTS, applyAccountEvent, type AccountEnvelope, type AccountEvent } from '../domain/apply-account-event';

export const ACCOUNTS_CONCERN = 'accounts';

export function consumeAccounts(messaging: Messaging, deps: { prisma: PrismaClient }): Promise<Consumer<AccountEvent, Prisma.TransactionClient>> {
  return messaging.consume<AccountEvent, Prisma.TransactionClient>({
    concern: ACCOUNTS_CONCERN,
    events: ACCOUNT_EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma),
    handler: async (envelope, { tx, log }) => {
      await applyAccountEvent(tx, envelope as unknown as AccountEnvelope);
      log.debug({ event: envelope.type }, 'account read model updated');
    },
  });
}
