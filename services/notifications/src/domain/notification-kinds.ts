// What each delivered event is to the people who hear it (issue 17 items 1 and 5): its category
// (what a preference turns off), whether it shows in the feed, whether it is mailed, and whether it
// is security mail, which no preference turns off. Every delivered event has a kind; webhooks carry
// all of them, the feed leaves out the steps every job and hold goes through (queued, assigned,
// started, held, released, charged: one of each per job would bury the rest), email keeps only
// what is worth an inbox.
import { consumerQueue } from '@runfleet/contracts';

export const CATEGORIES = ['jobs', 'wallet', 'orders', 'earnings', 'runners', 'webhooks'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * notifications' own events about an account's webhook endpoints: emitted by the webhook dispatcher
 * and consumed back through notifications.deliveries like any other (packages/contracts consumer-queues.ts).
 */
export const OWN_EVENTS = ['webhook.endpoint_failing', 'webhook.endpoint_disabled'] as const;
export const DELIVERED_EVENTS = consumerQueue('notifications', 'deliveries').events;
export type DeliveredEvent = (typeof DELIVERED_EVENTS)[number];

export interface NotificationKind {
  category: Category;
  /** shown in the in-app feed (false: on webhooks only) */
  feed: boolean;
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
  'job.submitted': { category: 'jobs', feed: false, email: false },
  'job.queued': { category: 'jobs', feed: false, email: false },
  'job.rejected': { category: 'jobs', feed: true, email: true },
  'job.assigned': { category: 'jobs', feed: false, email: false },
  'job.started': { category: 'jobs', feed: false, email: false },
  'job.completed': { category: 'jobs', feed: true, email: true },
  'job.failed': { category: 'jobs', feed: true, email: true },
  'job.cancelled': { category: 'jobs', feed: true, email: false },
  'job.requeued': { category: 'jobs', feed: true, email: false },
  'wallet.hold_placed': { category: 'wallet', feed: false, email: false },
  'wallet.hold_rejected': { category: 'wallet', feed: true, email: true },
  'wallet.hold_released': { category: 'wallet', feed: false, email: false },
  'wallet.charged': { category: 'wallet', feed: false, email: false },
  'wallet.credited': { category: 'wallet', feed: true, email: true },
  'wallet.refunded': { category: 'wallet', feed: true, email: true },
  'wallet.low_balance': { category: 'wallet', feed: true, email: true, mailResellerCopy: true },
  'wallet.credit_changed': { category: 'wallet', feed: true, email: true },
  'wallet.overdue_reminder': { category: 'wallet', feed: true, email: true, mailResellerCopy: true },
  'order.created': { category: 'orders', feed: true, email: true },
  'order.paid': { category: 'orders', feed: true, email: true, mailResellerCopy: true },
  'order.payment_failed': { category: 'orders', feed: true, email: true },
  'order.fulfilled': { category: 'orders', feed: true, email: true },
  'order.failed': { category: 'orders', feed: true, email: true, mailResellerCopy: true },
  'order.cancelled': { category: 'orders', feed: true, email: true },
  'commission.earned': { category: 'earnings', feed: true, email: true },
  'invoice.issued': { category: 'earnings', feed: true, email: true },
  'payout.requested': { category: 'earnings', feed: true, email: true },
  'payout.completed': { category: 'earnings', feed: true, email: true },
  'payout.failed': { category: 'earnings', feed: true, email: true },
  'runner.offline': { category: 'runners', feed: true, email: true },
  'webhook.endpoint_failing': { category: 'webhooks', feed: true, email: true, security: true },
  'webhook.endpoint_disabled': { category: 'webhooks', feed: true, email: true, security: true },
};

export function kindOf(type: string): NotificationKind | undefined {
  return Object.hasOwn(NOTIFICATION_KINDS, type) ? NOTIFICATION_KINDS[type as DeliveredEvent] : undefined;
}
