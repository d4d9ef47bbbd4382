// Every consumer queue `<service>.<concern>` and the events bound to it (DESIGN.md §3): the one
// declaration of who consumes what. Consumers take their bindings from here (packages/messaging
// refuses a consumer whose events differ), producers declare the queues of their events from here
// before they publish, and the topology CLI declares all of it on a rebuilt broker; an event that
// has a declared queue here is kept in the producer's outbox until that queue exists
// (docs/messaging.md "Topology"). Adding a consumer is one entry below.
import type { EventName } from './events';
import { queueName, type ServiceName } from './names';

export interface ConsumerQueueDefinition {
  /** event names bound to the queue */
  readonly events: readonly EventName[];
  /** one line: what the consumer does with them */
  readonly description: string;
  /**
   * Not declared yet: the service or its consumer is not built, and its events are not worth
   * keeping until it is (they are dropped, counted, while no declared queue wants them). Without
   * this flag a queue is declared ahead by the producers of its events, so they wait in it for a
   * consumer that does not run yet — what events that move money need.
   */
  readonly planned?: boolean;
  /** retry delays of `<queue>.retry.<delay>` (default: packages/messaging's 1 s, 10 s, 1 min, 10 min); [] for none */
  readonly retryDelaysMs?: readonly number[];
  /** deliveries before the broker dead-letters a message by itself (default: packages/messaging's 10) */
  readonly deliveryLimit?: number;
}

export const consumerQueues = {
  'api-gateway': {
    'apikey-revocations': {
      events: ['apikey.revoked', 'runner.revoked', 'session.revoked'],
      description: "drops a revoked API key's, runner token's or session's cached principal at once",
      // a failed drop is retried in-process, then requeued: nothing may wait minutes
      retryDelaysMs: [],
    },
    'access-changes': {
      events: ['reseller.updated', 'customer.updated', 'apikey.rotated'],
      description: "drops the cached principals of a suspended, deactivated or reactivated owner, and a rotated key's",
      // like revocations: a failed drop is retried in-process, then requeued
      retryDelaysMs: [],
    },
  },
  reseller: {
    'order-payments': {
      events: ['order.paid', 'order.payment_failed'],
      description: "applies billing's verdict on an order's payment",
    },
    'tier-sales': {
      events: ['wallet.charged', 'order.paid'],
      description: "records the sales that decide a reseller's tier",
    },
    // No `commissions` queue: a reseller's earnings (commissions, payouts, the earnings summary) are
    // served by billing, which owns them; the gateway routes /v1/resellers/{id}/earnings there
    // (issue 16), so the reseller service keeps no copy of commission.earned.
  },
  billing: {
    accounts: {
      events: ['customer.created', 'customer.updated', 'reseller.created', 'reseller.updated'],
      description: "opens each customer's wallet and each reseller's commission wallet, and keeps their names and emails for invoices",
    },
    jobs: {
      events: ['job.submitted', 'job.completed', 'job.failed', 'job.cancelled', 'job.rejected'],
      description: "places a job's hold, charges its usage, releases what is left",
    },
    orders: {
      events: ['order.created', 'order.failed', 'order.cancelled', 'order.refund_requested'],
      description: 'charges an order, refunds a failed or cancelled one and any charge an order cannot keep',
    },
    // One queue for the terms and the sales (issue 16): a reseller's terms arrive before the sales
    // that use them, and a refund after the charge it claws back.
    commissions: {
      events: ['reseller.created', 'reseller.updated', 'reseller.tier_changed', 'order.fulfilled', 'wallet.charged', 'wallet.refunded'],
      description: "keeps resellers' commission terms, earns commission on job charges and fulfilled orders, claws it back on refunds",
    },
  },
  'runner-registry': {
    holds: {
      events: ['wallet.hold_placed', 'wallet.hold_rejected'],
      description: 'queues or rejects a job once billing reserved its funds, or could not',
    },
    accounts: {
      events: ['customer.created', 'customer.updated', 'project.created', 'project.archived'],
      description: 'knows which customers and projects accept jobs, and in which currency',
    },
  },
  notifications: {
    accounts: {
      events: ['customer.created', 'customer.updated', 'reseller.created', 'reseller.updated'],
      description: 'keeps who can be told: each account, its contact email, name, language and reseller',
    },
    deliveries: {
      // What an account hears about (issue 17 item 1): its jobs, wallet, orders, earnings, invoices,
      // payouts, its own runners going offline. Its webhook endpoints failing (webhook.endpoint_*)
      // are notifications' own events, told in the transaction that emits them, not consumed back.
      events: [
        'job.submitted',
        'job.queued',
        'job.rejected',
        'job.assigned',
        'job.started',
        'job.completed',
        'job.failed',
        'job.cancelled',
        'job.requeued',
        'wallet.hold_placed',
        'wallet.hold_rejected',
        'wallet.hold_released',
        'wallet.charged',
        'wallet.credited',
        'wallet.refunded',
        'wallet.low_balance',
        'wallet.credit_changed',
        'wallet.overdue_reminder',
        'order.created',
        'order.paid',
        'order.payment_failed',
        'order.fulfilled',
        'order.failed',
        'order.cancelled',
        'commission.earned',
        'invoice.issued',
        'payout.requested',
        'payout.completed',
        'payout.failed',
        // its own warnings about an account's failing webhook endpoint: mailed and put in the feed
        // like any other event (the one exception, with billing's commissions, to "no service
        // consumes its own events": the dispatcher's transaction has no Prisma client to fan out in)
        'webhook.endpoint_failing',
        'webhook.endpoint_disabled',
        'runner.offline',
      ],
      description: 'tells each account an event concerns (and its reseller): in-app feed, email, signed webhooks',
    },
    'account-mail': {
      // Mail to a person rather than an account (issue 19): the address is the event's, and the
      // security mails are always sent. A sealed token that does not open is dead-lettered at once.
      events: [
        'user.email_verification_requested',
        'user.password_reset_requested',
        'user.invited',
        'user.password_changed',
        'user.locked_out',
      ],
      description: "mails a user's verification, password-reset and invitation links, and the password-changed and locked-out security mails",
    },
  },
} as const satisfies Partial<Record<ServiceName, Record<string, ConsumerQueueDefinition>>>;

type Queues = typeof consumerQueues;
export type ConsumingService = keyof Queues;
export type ConcernOf<S extends ConsumingService> = keyof Queues[S] & string;

/** A queue of the map with its names spelled out. */
export interface ConsumerQueue extends ConsumerQueueDefinition {
  readonly service: ServiceName;
  readonly concern: string;
  /** `<service>.<concern>` */
  readonly queue: string;
}

/** Every queue of the map, planned ones included, in map order. */
export const CONSUMER_QUEUES: readonly ConsumerQueue[] = Object.entries(consumerQueues).flatMap(([service, concerns]) =>
  Object.entries(concerns as Record<string, ConsumerQueueDefinition>).map(([concern, def]) => ({
    ...def,
    service: service as ServiceName,
    concern,
    queue: queueName(service, concern),
  })),
);

/** One queue of the map, typed: `consumerQueue('reseller', 'order-payments').events` is the tuple of its events. */
export function consumerQueue<S extends ConsumingService, C extends ConcernOf<S>>(
  service: S,
  concern: C,
): Queues[S][C] & { readonly service: S; readonly concern: C; readonly queue: string } {
  const found = findConsumerQueue(service, concern);
  if (!found) throw new Error(`no consumer queue ${queueName(service, concern)} in packages/contracts`);
  return found as unknown as Queues[S][C] & { readonly service: S; readonly concern: C; readonly queue: string };
}

/** The map's entry for `<service>.<concern>`, if any (for names only known at run time). */
export function findConsumerQueue(service: string, concern: string): ConsumerQueue | undefined {
  return CONSUMER_QUEUES.find((q) => q.service === service && q.concern === concern);
}

/** Queues that consume `event` (bound to it), declared ones only unless `includePlanned`. */
export function queuesConsuming(event: string, options: { includePlanned?: boolean } = {}): ConsumerQueue[] {
  return CONSUMER_QUEUES.filter((q) => (options.includePlanned || !q.planned) && (q.events as readonly string[]).includes(event));
}
