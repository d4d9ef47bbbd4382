// What each delivered event is to the people who hear it (issue 17 items 1 and 5): its category
// (what a preference turns off), whether it is mailed at all, and whether it is security mail,
// which no preference turns off. Every event of the notifications.deliveries queue has a kind; the
// feed shows all of them, email only the ones worth an inbox.
import { consumerQueue } from '@runfleet/contracts';

export const CATEGORIES = ['jobs', 'wallet', 'orders', 'earnings', 'runners', 'webhooks'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * notifications' own events about an account's webhook endpoints: a service never consumes its own
 * events, so the code that emits one hands it to the channels in the same transaction (fan-out.ts).
 */
export const OWN_EVENTS = ['webhook.endpoint_failing', 'webhook.endpoint_disabled'] as const;
export const DELIVERED_EVENTS = [...consumerQueue('notifications', 'deliveries').events, ...OWN_EVENTS] as const;
export type DeliveredEvent = (typeof DELIVERED_EVENTS)[number];

export interface NotificationKind {
  category: Category;
  /** mailed to the account the event concerns (unless its preference for the category is off) */
  email: boolean;
  /** mailed whatever the preferences say: the account loses something if it misses it */
  security?: boolean;
  /**
   * Also mailed to the reseller of the customer it concerns. Otherwise a reseller hears its
   * customers' events in its feed and on its webhooks only: one mail per job of every customer
   * would bury what is addressed to it.
   */
  mailResellerCopy?: boolean;
}

export const NOTIFICATION_KINDS: Record<DeliveredEvent, NotificationKind> = {
  'job.submitted': { category: 'jobs', email: false },
  'job.queued': { category: 'jobs', email: false },
  'job.rejected': { category: 'jobs', email: true },
  'job.assigned': { category: 'jobs', email: false },
  'job.started': { category: 'jobs', email: false },
  'job.completed': { category: 'jobs', email: true },
  'job.failed': { category: 'jobs', email: true },
  'job.cancelled': { category: 'jobs', email: false },
  'job.requeued': { category: 'jobs', email: false },
  'wallet.hold_placed': { category: 'wallet', email: false },
  'wallet.hold_rejected': { category: 'wallet', email: true },
  'wallet.hold_released': { category: 'wallet', email: false },
  'wallet.charged': { category: 'wallet', email: false },
  'wallet.credited': { category: 'wallet', email: true },
  'wallet.refunded': { category: 'wallet', email: true },
  'wallet.low_balance': { category: 'wallet', email: true, mailResellerCopy: true },
  'wallet.credit_changed': { category: 'wallet', email: true },
  'wallet.overdue_reminder': { category: 'wallet', email: true, mailResellerCopy: true },
  'order.created': { category: 'orders', email: true },
  'order.paid': { category: 'orders', email: true, mailResellerCopy: true },
  'order.payment_failed': { category: 'orders', email: true },
  'order.fulfilled': { category: 'orders', email: true },
  'order.failed': { category: 'orders', email: true, mailResellerCopy: true },
  'order.cancelled': { category: 'orders', email: true },
  'commission.earned': { category: 'earnings', email: true },
  'invoice.issued': { category: 'earnings', email: true },
  'payout.requested': { category: 'earnings', email: true },
  'payout.completed': { category: 'earnings', email: true },
  'payout.failed': { category: 'earnings', email: true },
  'runner.offline': { category: 'runners', email: true },
  'webhook.endpoint_failing': { category: 'webhooks', email: true, security: true },
  'webhook.endpoint_disabled': { category: 'webhooks', email: true, security: true },
};

export function kindOf(type: string): NotificationKind | undefined {
  return Object.hasOwn(NOTIFICATION_KINDS, type) ? NOTIFICATION_KINDS[type as DeliveredEvent] : undefined;
}
