// Queue names and arguments an operator sees in the management UI (docs/messaging.md).
import {
  consumerQueueTopology,
  consumerTopology,
  declaredTopologies,
  delayLabel,
  hasDeclaredConsumer,
  mainQueueArguments,
  retryQueueArguments,
} from '../../src';

test('the default retry schedule waits 1 s, 10 s, 1 min and 10 min in queues named for their delay', () => {
  const topology = consumerTopology('billing', 'job-completed', ['job.completed']);
  expect(topology.queue).toBe('billing.job-completed');
  expect(topology.deadQueue).toBe('billing.job-completed.dead');
  expect(topology.retryQueues).toEqual([
    { name: 'billing.job-completed.retry.1s', delayMs: 1_000 },
    { name: 'billing.job-completed.retry.10s', delayMs: 10_000 },
    { name: 'billing.job-completed.retry.1m', delayMs: 60_000 },
    { name: 'billing.job-completed.retry.10m', delayMs: 600_000 },
  ]);
});

test('delays that are not whole seconds keep their milliseconds in the queue name', () => {
  expect([250, 1_500, 90_000, 7_200_000].map(delayLabel)).toEqual(['250ms', '1500ms', '90s', '2h']);
});

test('a retry queue expires its messages back into the main queue through the default exchange', () => {
  const topology = consumerTopology('billing', 'job-completed', ['job.completed'], { retryDelaysMs: [500] });
  expect(retryQueueArguments(topology, topology.retryQueues[0]!)).toMatchObject({
    'x-message-ttl': 500,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': 'billing.job-completed',
  });
  expect(mainQueueArguments(topology)).toMatchObject({ 'x-delivery-limit': 10, 'x-dead-letter-routing-key': 'billing.job-completed.dead' });
});

test('a zero or fractional delay is refused before anything is declared', () => {
  expect(() => consumerTopology('billing', 'x', [], { retryDelaysMs: [0] })).toThrow(/positive integers/);
  expect(() => consumerTopology('billing', 'x', [], { retryDelaysMs: [1.5] })).toThrow(/positive integers/);
});

describe("the contracts' queue map decides what is declared", () => {
  test('a producer declares the declared queues bound to its events, and no planned one', () => {
    expect(declaredTopologies({ producer: 'reseller' }).map((t) => t.queue)).toEqual([
      'api-gateway.apikey-revocations',
      'api-gateway.access-changes',
      'billing.accounts',
      'billing.orders',
      'billing.commissions',
      'runner-registry.accounts',
      'notifications.accounts',
      'notifications.deliveries',
      'notifications.account-mail',
    ]);
    expect(declaredTopologies({ producer: 'billing' }).map((t) => t.queue)).toEqual([
      'reseller.order-payments',
      'reseller.tier-sales',
      // its own commissions consumer, bound to billing's wallet.charged and wallet.refunded (issue 16)
      'billing.commissions',
      'runner-registry.holds',
      'notifications.deliveries',
    ]);
    expect(declaredTopologies({ producer: 'runner-registry' }).map((t) => t.queue)).toEqual([
      'api-gateway.apikey-revocations',
      'billing.jobs',
      'notifications.deliveries',
    ]);
    expect(declaredTopologies({ producer: 'testsvc' })).toEqual([]);
  });

  test("a queue's own settings from the contracts reach every declarer", () => {
    const revocations = declaredTopologies().find((t) => t.queue === 'api-gateway.apikey-revocations');
    expect(revocations?.retryQueues).toEqual([]);
  });

  test('only events with a declared queue must be routed; the others may be dropped', () => {
    expect(hasDeclaredConsumer('order.created')).toBe(true);
    expect(hasDeclaredConsumer('runner.registered')).toBe(false);
    expect(hasDeclaredConsumer('test.anything')).toBe(false);
  });

  test("a Runfleet service's consumer cannot bind other events than the contracts, nor a queue they do not declare", () => {
    expect(consumerQueueTopology('reseller', 'order-payments', ['order.payment_failed', 'order.paid']).queue).toBe('reseller.order-payments');
    expect(() => consumerQueueTopology('reseller', 'order-payments', ['order.paid'])).toThrow(/packages\/contracts binds \[order\.paid, order\.payment_failed\]/);
    expect(() => consumerQueueTopology('reseller', 'refunds', ['order.failed'])).toThrow(/not in packages\/contracts/);
    // (a queue marked planned is refused too; no queue is planned since notifications was built)
    expect(consumerQueueTopology('testsvc', 'work', ['test.work']).routingKeys).toEqual(['test.work']);
  });
});
