// Isolation (issue 17 acceptance): with 10 % of endpoints hanging until the timeout, deliveries to
// the healthy ones keep p99 < 1 s — a hanging endpoint holds only its own per-endpoint slots and
// is left out of claims while they are full, so it never blocks the shared queue.
import { randomUUID } from 'node:crypto';
import { webhookChannel } from '../../src/domain/webhook-channel';
import { createWorld, waitFor, type World } from '../support/webhook-world';
import { startReceiver, type Receiver } from '../support/receiver';

jest.setTimeout(60_000);

const ENDPOINTS = 50;
const HANGING = 5;
const ROUNDS = 20;

let world: World;
let receiver: Receiver;

beforeAll(async () => {
  world = await createWorld('notif_isolation');
  receiver = await startReceiver((r) => (r.path.startsWith('/hang') ? 'hang' : { status: 204 }));
});

afterAll(async () => {
  await receiver?.close();
  await world?.close();
});

it('keeps p99 under 1 s for healthy endpoints while 10 % hang until the timeout', async () => {
  const accounts = Array.from({ length: ENDPOINTS }, (_, i) => ({ accountType: 'customer' as const, accountId: randomUUID(), hang: i < HANGING }));
  for (const [i, a] of accounts.entries()) {
    const principal = { type: 'customer' as const, id: a.accountId, resellerId: null, scopes: [] };
    const res = await world.as(principal).post('/v1/webhook-endpoints', { url: receiver.url(`/${a.hang ? 'hang' : 'ok'}/${i}`), eventTypes: ['*'] });
    expect(res.status).toBe(201);
  }
  world.dispatcher({ timeoutMs: 5_000, concurrency: 64, perEndpointConcurrency: 4 });
  const channel = webhookChannel({ now: () => new Date() });
  const committedAt = new Map<string, number>();

  for (let round = 0; round < ROUNDS; round++) {
    const eventId = randomUUID();
    await world.prisma.$transaction(async (tx) => {
      for (const a of accounts) {
        await channel.deliver(tx, { eventId, type: 'job.completed', occurredAt: new Date().toISOString(), data: { round }, recipient: a });
      }
    });
    committedAt.set(`msg_${eventId}`, Date.now());
    await new Promise((r) => setTimeout(r, 100));
  }
  const healthyExpected = (ENDPOINTS - HANGING) * ROUNDS;
  await waitFor(() => receiver.received.filter((r) => r.path.startsWith('/ok')).length >= healthyExpected, 20_000, 'every healthy delivery');

  const latencies = receiver.received
    .filter((r) => r.path.startsWith('/ok'))
    .map((r) => r.at - committedAt.get(r.headers['webhook-id'] as string)!)
    .sort((a, b) => a - b);
  const p99 = latencies[Math.ceil(latencies.length * 0.99) - 1]!;
  expect(latencies).toHaveLength(healthyExpected);
  expect(receiver.received.filter((r) => r.path.startsWith('/hang')).length).toBeGreaterThan(0);
  expect(p99).toBeLessThan(1_000);
});
