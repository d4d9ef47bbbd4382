// The seam between notifications' event consumer (fan-out to recipients, built in its own branch)
// and its channels: the consumer hands each channel one notification per recipient inside its
// transaction. Declared here structurally identical to the consumer's own file until both meet.
import type { Prisma } from '../db';

export interface AccountNotification {
  eventId: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
  recipient: { accountType: 'reseller' | 'customer'; accountId: string };
}

export interface NotificationChannel {
  name: string;
  deliver(tx: Prisma.TransactionClient, n: AccountNotification): Promise<void>;
}
