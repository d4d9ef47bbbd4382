// The webhook channel (issue 17 items 1–2): inside the consumer's transaction it only records one
// delivery per enabled endpoint of the recipient whose filter matches the event; the dispatcher
// sends after commit. The webhook-id is `msg_<eventId>`, unique per endpoint, so an event handled
// twice is still one delivery per endpoint and every retry carries the same id.
import type { Prisma } from '../db';
import { insertDeliveries } from '../data/webhook-delivery.repository';
import { enabledEndpointsOf } from '../data/webhook-endpoint.repository';
import { matchesEventType } from './event-filter';
import type { AccountNotification, NotificationChannel } from './account-notification';

export const messageIdOf = (eventId: string): string => `msg_${eventId}`;

/** The Standard Webhooks body: `{type, timestamp, data}`, signed and sent byte for byte as stored. */
export function webhookBody(type: string, timestamp: string, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp, data });
}

export function webhookChannel(deps: { now: () => Date }): NotificationChannel {
  return {
    name: 'webhook',
    async deliver(tx: Prisma.TransactionClient, n: AccountNotification): Promise<void> {
      const endpoints = await enabledEndpointsOf(tx, n.recipient);
      const body = webhookBody(n.type, n.occurredAt, n.data);
      const matching = endpoints.filter((e) => matchesEventType(e.eventTypes, n.type));
      await insertDeliveries(
        tx,
        matching.map((e) => ({ endpointId: e.id, messageId: messageIdOf(n.eventId), eventType: n.type, body })),
        deps.now(),
      );
    },
  };
}
