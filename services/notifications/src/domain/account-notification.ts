// The seam between the fan-out and the channels that tell an account (issue 17 item 1): the
// deliveries consumer resolves who an event concerns and hands each channel one AccountNotification
// per recipient inside the consumer's transaction. Channels only record work there (a feed row, an
// email send row, a webhook delivery row); whatever talks to the outside runs after the commit.
import type { Prisma } from '../db';

export interface AccountNotification {
  eventId: string; // the source event's envelope id
  type: string; // event type, e.g. 'job.completed'
  occurredAt: string; // ISO time of the event
  data: Record<string, unknown>; // the event's data as published
  recipient: { accountType: 'reseller' | 'customer'; accountId: string };
}

export interface NotificationChannel {
  name: string;
  deliver(tx: Prisma.TransactionClient, n: AccountNotification): Promise<void>;
}

export type AccountType = AccountNotification['recipient']['accountType'];
export type Recipient = AccountNotification['recipient'];
