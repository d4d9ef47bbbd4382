// Signed delivery (issue 17 item 2, acceptance R10 and "retry schedule"): a receiver verifies every
// delivery with the `standardwebhooks` package; the webhook-id is the same on every retry; retries
// follow the (scaled) schedule; 410 stops at once and disables; a rotated secret verifies with
// either secret during the overlap; after the last attempt the endpoint is disabled and its owner
// was warned before; replays resend with the same id; each attempt is recorded.
import { Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { webhookMetrics } from '../../src/delivery/webhook-metrics';
import { fastPolicy, createWorld, ownerOfActor, waitFor, type World } from '../support/webhook-world';
import { startReceiver, type Receiver } from '../support/receiver';

let world: World;
let receiver: Receiver;
const owner = ownerOfActor('customerA');

beforeAll(async () => {
  world = await createWorld('notif_delivery');
  receiver = await startReceiver();
  world.dispatcher();
});

afterAll(async () => {
  await receiver?.close();
  await world?.close();
});

beforeEach(() => {
  receiver.received.length = 0;
  receiver.answer = () => ({ status: 204 });
});

async function endpoint(path: string, eventTypes = ['job.*']): Promise<{ id: string; secret: string }> {
  const res = await world.as('customerA').post('/v1/webhook-endpoints', { url: receiver.url(path), eventTypes });
  expect(res.status).toBe(201);
  return res.body;
}

const deliveryOf = (endpointId: string) => world.prisma.webhookDelivery.findFirstOrThrow({ where: { endpointId }, include: { attempts: { orderBy: { attemptedAt: 'asc' } } } });
const at = (path: string) => receiver.received.filter((r) => r.path === path);

async function outboxData(type: string): Promise<Record<string, unknown>[]> {
  const rows = await world.prisma.outboxEvent.findMany({ where: { type }, orderBy: { seq: 'asc' } });
  return rows.map((r) => (r.envelope as { data: Record<string, unknown> }).data);
}

describe('a delivery', () => {
  it('verifies with standardwebhooks on every attempt and keeps its webhook-id across retries until a 2xx', async () => {
    const { id, secret } = await endpoint('/retry');
    let calls = 0;
    receiver.answer = () => (++calls <= 2 ? { status: 500, body: 'busy' } : { status: 204 });

    const n = await world.notify({ recipient: owner, type: 'job.completed', data: { jobId: 'j-1', units: 3 } });
    await waitFor(async () => (await deliveryOf(id)).status === 'succeeded', 10_000, 'the delivery to succeed');

    const requests = at('/retry');
    expect(requests).toHaveLength(3);
    const verifier = new Webhook(secret);
    for (const r of requests) {
      expect(verifier.verify(r.body, r.headers as Record<string, string>)).toEqual({ type: 'job.completed', timestamp: n.occurredAt, data: { jobId: 'j-1', units: 3 } });
      expect(r.headers['webhook-id']).toBe(`msg_${n.eventId}`);
    }
    const delivery = await deliveryOf(id);
    expect(delivery.attempts.map((a) => [a.outcome, a.responseStatus])).toEqual([['failed', 500], ['failed', 500], ['succeeded', 204]]);
    expect(delivery.attempts[0]!.responseBody).toBe('busy');
    // the scaled schedule: 100 ms, then 200 ms
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(95);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(195);
  });

  it('stops at a 410 Gone: no retry, the endpoint disabled, webhook.endpoint_disabled emitted', async () => {
    const { id } = await endpoint('/gone');
    receiver.answer = () => ({ status: 410 });

    await world.notify({ recipient: owner });
    await waitFor(async () => (await deliveryOf(id)).status === 'failed', 10_000, 'the delivery to fail');
    await new Promise((r) => setTimeout(r, 700)); // longer than the whole scaled schedule

    expect(at('/gone')).toHaveLength(1);
    expect(await world.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } })).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect(await outboxData('webhook.endpoint_disabled')).toContainEqual(expect.objectContaining({ endpointId: id, reason: 'gone', accountId: owner.accountId }));
    await world.notify({ recipient: owner });
    expect(await world.prisma.webhookDelivery.count({ where: { endpointId: id } })).toBe(1);
  });

  it('carries two signatures after a rotation, each secret verifying alone, until the overlap ends', async () => {
    const { id, secret: old } = await endpoint('/rotated');
    const rotated = await world.as('customerA').post(`/v1/webhook-endpoints/${id}/rotate-secret`);
    const fresh = rotated.body.secret as string;

    await world.notify({ recipient: owner });
    await waitFor(() => at('/rotated').length === 1, 10_000, 'the delivery');
    const [during] = at('/rotated');
    expect(during!.headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(() => new Webhook(old).verify(during!.body, during!.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(fresh).verify(during!.body, during!.headers as Record<string, string>)).not.toThrow();

    await world.prisma.webhookEndpoint.update({ where: { id }, data: { previousSecretExpiresAt: new Date(Date.now() - 1000) } });
    await world.notify({ recipient: owner });
    await waitFor(() => at('/rotated').length === 2, 10_000, 'the second delivery');
    const after = at('/rotated')[1]!;
    expect(() => new Webhook(fresh).verify(after.body, after.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(old).verify(after.body, after.headers as Record<string, string>)).toThrow();
  });

  it('records each attempt with its response body cut at 4 KB', async () => {
    const { id } = await endpoint('/big');
    receiver.answer = () => ({ status: 200, body: 'x'.repeat(10_000) });

    await world.notify({ recipient: owner });
    await waitFor(async () => (await deliveryOf(id)).status === 'succeeded', 10_000, 'the delivery');

    const [attempt] = (await deliveryOf(id)).attempts;
    expect(attempt!.responseBody).toHaveLength(4096);
    expect(attempt!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('is recorded once per matching, enabled endpoint, and once however often the event is handled', async () => {
    const jobs = await endpoint('/filter-jobs', ['job.*']);
    const wallets = await endpoint('/filter-wallets', ['wallet.low_balance']);
    const off = await endpoint('/filter-off', ['*']);
    await world.as('customerA').patch(`/v1/webhook-endpoints/${off.id}`, { enabled: false });

    const n = await world.notify({ recipient: owner, type: 'job.failed' });
    await world.notify({ ...n });

    const counts = await Promise.all([jobs, wallets, off].map((e) => world.prisma.webhookDelivery.count({ where: { endpointId: e.id } })));
    expect(counts).toEqual([1, 0, 0]);
  });

  it('sends a test event on request, signed like any other', async () => {
    const { id, secret } = await endpoint('/test-event');

    const res = await world.as('customerA').post(`/v1/webhook-endpoints/${id}/test`);

    expect(res.status).toBe(202);
    await waitFor(() => at('/test-event').length === 1, 10_000, 'the test event');
    const [r] = at('/test-event');
    expect(new Webhook(secret).verify(r!.body, r!.headers as Record<string, string>)).toMatchObject({ type: 'webhook.test', data: { endpointId: id } });
    expect(r!.headers['webhook-id']).toBe(res.body.messageId);
  });
});

describe('replay', () => {
  it('resends a failed delivery with the same webhook-id, and everything failed since a time', async () => {
    const { id } = await endpoint('/replay');
    receiver.answer = () => ({ status: 503 });
    await world.notify({ recipient: owner });
    await world.notify({ recipient: owner });
    await waitFor(async () => (await world.prisma.webhookDelivery.count({ where: { endpointId: id, status: 'failed' } })) === 2, 10_000, 'both to fail');
    expect(at('/replay')).toHaveLength(8); // 4 attempts each
    receiver.answer = () => ({ status: 204 });
    const [first, second] = await world.prisma.webhookDelivery.findMany({ where: { endpointId: id }, orderBy: { createdAt: 'asc' } });

    const one = await world.as('customerA').post(`/v1/webhook-deliveries/${first!.id}/replay`);
    expect(one.status).toBe(202);
    await waitFor(async () => (await world.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: first!.id } })).status === 'succeeded', 10_000, 'the replay');
    expect(at('/replay')[8]!.headers['webhook-id']).toBe(first!.messageId);

    const all = await world.as('customerA').post('/v1/webhook-deliveries/replay', { endpointId: id, since: new Date(Date.now() - 60_000).toISOString() });
    expect(all.body).toEqual({ replayed: 1 });
    await waitFor(async () => (await world.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: second!.id } })).status === 'succeeded', 10_000, 'the second replay');

    const listed = await world.as('customerA').get(`/v1/webhook-deliveries?endpointId=${id}&status=succeeded`);
    expect(listed.body.items).toHaveLength(2);
    const detail = await world.as('customerA').get(`/v1/webhook-deliveries/${first!.id}`);
    expect(detail.body.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'failed', 'succeeded']);
    expect(detail.body.payload).toMatchObject({ type: 'job.completed' });
  });

  it('is refused with 409 while the endpoint is disabled', async () => {
    const { id } = await endpoint('/replay-disabled');
    await world.notify({ recipient: owner });
    await waitFor(async () => (await deliveryOf(id)).status === 'succeeded', 10_000, 'the delivery');
    await world.as('customerA').patch(`/v1/webhook-endpoints/${id}`, { enabled: false });

    const res = await world.as('customerA').post(`/v1/webhook-deliveries/${(await deliveryOf(id)).id}/replay`);

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('WEBHOOK_ENDPOINT_DISABLED');
  });
});

describe('an endpoint failing every attempt', () => {
  let failing: World;

  beforeAll(async () => {
    // attempts at about 0, 0.1, 0.3 and 0.6 s; disabled once failing 0.55 s, warned from 0.25 s
    failing = await createWorld('notif_failing', { policy: fastPolicy({ retryScheduleMs: [100, 200, 300], disableAfterMs: 550, warnBeforeMs: 300 }) });
    failing.dispatcher();
  });

  afterAll(async () => {
    await failing?.close();
  });

  it('follows the schedule, warns its owner before, and is disabled after the last attempt', async () => {
    receiver.answer = () => ({ status: 500 });
    const res = await failing.as('customerA').post('/v1/webhook-endpoints', { url: receiver.url('/dying'), eventTypes: ['*'] });
    const id = res.body.id as string;

    await failing.notify({ recipient: owner });
    await waitFor(async () => !(await failing.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } })).enabled, 10_000, 'the endpoint to be disabled');

    const requests = at('/dying');
    expect(requests).toHaveLength(4);
    const gaps = requests.slice(1).map((r, i) => r.at - requests[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
    expect(gaps[2]).toBeGreaterThanOrEqual(295);
    const events = await failing.prisma.outboxEvent.findMany({ where: { type: { startsWith: 'webhook.endpoint_' } }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(['webhook.endpoint_failing', 'webhook.endpoint_disabled']);
    const warning = (events[0]!.envelope as { data: { disableAt: string; failingSince: string } }).data;
    expect(Date.parse(warning.disableAt) - Date.parse(warning.failingSince)).toBe(550);
    expect((events[1]!.envelope as { data: { reason: string } }).data.reason).toBe('failing');
    expect(await failing.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } })).toMatchObject({ disabledReason: 'failing' });
  });
});

describe('metrics', () => {
  it('report the retry backlog, the oldest pending delivery and the disabled endpoints from the database', async () => {
    const { id } = await endpoint('/metrics');
    await world.as('customerA').patch(`/v1/webhook-endpoints/${id}`, { enabled: false });
    await world.prisma.webhookDelivery.create({
      data: { id: crypto.randomUUID(), endpointId: id, messageId: 'msg_m', eventType: 'job.completed', body: '{}', attemptCount: 1, nextAttemptAt: new Date(Date.now() + 600_000), createdAt: new Date(Date.now() - 30_000) },
    });
    const registry = new Registry();
    webhookMetrics(registry, world.database.pool);

    const text = await registry.metrics();

    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('runfleet_webhook_retry_backlog')).toBeGreaterThanOrEqual(1);
    expect(value('runfleet_webhook_oldest_pending_seconds')).toBeGreaterThanOrEqual(29);
    expect(value('runfleet_webhook_disabled_endpoints')).toBeGreaterThanOrEqual(1);
  });
});

describe('stopping', () => {
  it('waits for an attempt in flight no longer than its grace, leaving it pending for its lease', async () => {
    const own = await createWorld('notif_stop');
    try {
      receiver.answer = () => 'hang';
      const created = await own.as('customerA').post('/v1/webhook-endpoints', { url: receiver.url('/hang-on-stop'), eventTypes: ['*'] });
      const dispatcher = own.dispatcher({ timeoutMs: 3_000 });
      await own.notify({ recipient: owner });
      await waitFor(() => at('/hang-on-stop').length === 1, 10_000, 'the attempt to start');

      const started = Date.now();
      await dispatcher.stop(200);

      expect(Date.now() - started).toBeLessThan(2_000);
      const delivery = await own.prisma.webhookDelivery.findFirstOrThrow({ where: { endpointId: created.body.id } });
      expect(delivery).toMatchObject({ status: 'pending', attemptCount: 0 });
      expect(delivery.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await own.close(); // waits out the hanging attempt (3 s)
    }
  }, 15_000);
});
