// Queue notifications.deliveries: every event an account hears about (issue 17 item 1) is fanned
// out to the accounts it concerns and recorded by each channel (feed, email, webhooks) in the inbox
// transaction (domain/fan-out.ts); the senders run after the commit.
import { consumerQueue } from '@runfleet/contracts';
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import type { Prisma, PrismaClient } from '../db';
import type { NotificationChannel } from '../domain/account-notification';
import { fanOut } from '../domain/fan-out';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('notifications', 'deliveries');
export const DELIVERIES_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface DeliveriesDeps {
  /** a client whose commits wake the senders (main.ts) */
  prisma: PrismaClient;
  channels: readonly NotificationChannel[];
}

export function consumeDeliveries(messaging: Messaging, deps: DeliveriesDeps): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: DELIVERIES_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma),
    handler: async (envelope, { tx, log }) => {
      const recipients = await fanOut(tx, envelope, deps.channels);
      log.debug({ event: envelope.type, eventId: envelope.id, recipients }, 'notification fanned out');
    },
  });
}
