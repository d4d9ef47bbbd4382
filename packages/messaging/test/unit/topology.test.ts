// Queue names and arguments an operator sees in the management UI (docs/messaging.md).
import { consumerTopology, delayLabel, mainQueueArguments, retryQueueArguments } from '../../src';

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
