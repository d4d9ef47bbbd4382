// Queue billing.wallet-accounts: every customer and reseller gets its wallet (DESIGN.md §2).
// customer.created → the customer's wallet; reseller.created → the reseller's commission wallet.
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import type { Prisma, PrismaClient } from '../db';
import { openCustomerWallet, openResellerWallet } from '../domain/open-wallet';

export const WALLET_ACCOUNTS_CONCERN = 'wallet-accounts';
const EVENTS = ['customer.created', 'reseller.created'] as const;

export interface WalletAccountsDeps {
  prisma: PrismaClient;
}

export function consumeWalletAccounts(messaging: Messaging, deps: WalletAccountsDeps): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: WALLET_ACCOUNTS_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma),
    handler: async (envelope, { tx }) => {
      if (envelope.type === 'customer.created') await openCustomerWallet(tx, envelope.data);
      else await openResellerWallet(tx, envelope.data);
    },
  });
}
