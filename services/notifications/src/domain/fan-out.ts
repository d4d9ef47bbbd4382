// The deliveries use case (issue 17 item 1): one event in, one AccountNotification per account it
// concerns, handed to every channel (feed, email, webhooks) inside the consumer's transaction, so
// what each channel records commits with the inbox row or not at all. Channels record work only;
// senders run after the commit. notifications' own events (webhook.endpoint_failing/disabled) come
// back through the same queue (packages/contracts consumer-queues.ts says why).
import type { Prisma } from '../db';
import type { NotificationChannel } from './account-notification';
import { recipientsOf } from './recipients';

export interface DeliveredEnvelope {
  id: string;
  type: string;
  occurredAt: string;
  data: unknown;
}

/** Resolves the recipients of `envelope` and lets every channel record it for each; returns how many recipients. */
export async function fanOut(tx: Prisma.TransactionClient, envelope: DeliveredEnvelope, channels: readonly NotificationChannel[]): Promise<number> {
  const data = envelope.data as Record<string, unknown>;
  const recipients = recipientsOf(envelope.type, data);
  for (const { recipient } of recipients) {
    const notification = { eventId: envelope.id, type: envelope.type, occurredAt: envelope.occurredAt, data, recipient };
    for (const channel of channels) await channel.deliver(tx, notification);
  }
  return recipients.length;
}
