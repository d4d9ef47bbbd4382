// The queue map is the one declaration of who consumes what: these checks keep it well formed.
import { CONSUMER_QUEUES, consumerQueue, eventSchemas, findConsumerQueue, isEventName, queuesConsuming, SERVICE_NAMES } from '@runfleet/contracts';

describe('the consumer queue map', () => {
  it('names queues <service>.<concern> for known services, binds only known events, each once', () => {
    for (const q of CONSUMER_QUEUES) {
      expect(SERVICE_NAMES).toContain(q.service);
      expect(q.concern).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(q.queue).toBe(`${q.service}.${q.concern}`);
      expect(q.events.length).toBeGreaterThan(0);
      expect(new Set(q.events).size).toBe(q.events.length);
      for (const event of q.events) expect(isEventName(event)).toBe(true);
    }
  });

  it('never has a service consume its own events, but billing its charges and refunds for commissions', () => {
    // billing.commissions earns on billing's own wallet.charged and claws back on wallet.refunded
    // (issue 16), so the charge path itself stays as it is
    const allowed = new Set([
      'billing.commissions wallet.charged',
      'billing.commissions wallet.refunded',
      // notifications mails and shows its own warnings about a failing webhook endpoint
      'notifications.deliveries webhook.endpoint_failing',
      'notifications.deliveries webhook.endpoint_disabled',
    ]);
    for (const q of CONSUMER_QUEUES) {
      for (const event of q.events) if (!allowed.has(`${q.queue} ${event}`)) expect(eventSchemas[event].producer).not.toBe(q.service);
    }
  });

  it('declares ahead the queues of the events that move money, so they wait for a billing not built yet', () => {
    for (const event of ['order.created', 'order.failed', 'order.cancelled', 'order.refund_requested', 'job.submitted', 'job.completed'] as const) {
      expect(queuesConsuming(event).map((q) => q.queue)).toContain(event.startsWith('order') ? 'billing.orders' : 'billing.jobs');
    }
    // what commissions are earned on and clawed back by
    for (const event of ['order.fulfilled', 'wallet.charged', 'wallet.refunded'] as const) {
      expect(queuesConsuming(event).map((q) => q.queue)).toContain('billing.commissions');
    }
  });

  it('plans no queue since notifications was built: every consumer of an event is declared', () => {
    expect(queuesConsuming('commission.earned').map((q) => q.queue)).toEqual(['notifications.deliveries']);
    expect(queuesConsuming('commission.earned', { includePlanned: true }).map((q) => q.queue)).toEqual(['notifications.deliveries']);
  });

  it('looks a queue up by service and concern, typed or not', () => {
    expect(consumerQueue('reseller', 'order-payments').events).toEqual(['order.paid', 'order.payment_failed']);
    expect(findConsumerQueue('reseller', 'order-payments')?.queue).toBe('reseller.order-payments');
    expect(findConsumerQueue('reseller', 'nothing')).toBeUndefined();
  });
});
