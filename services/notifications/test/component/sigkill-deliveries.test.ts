// R9, webhook half (issue 17 acceptance): 1,000 deliveries while the notifications process is
// SIGKILLed twice → every one reaches the receiver at least once, all 1,000 after de-duplication
// by webhook-id, each verifying with the standardwebhooks package. The built service runs as a
// process on this suite's database and vhost. The event consumer that feeds the channel lives in
// another branch, so the deliveries are recorded through the channel in committed transactions
// first, as the consumer would; the process killed is the one whose dispatcher sends them.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { webhookChannel } from '../../src/domain/webhook-channel';
import { createWorld, PRINCIPAL_SECRET, waitFor, type World } from '../support/webhook-world';
import { BUILT_MAIN, startBuiltService, stopProcess } from '../support/built-service';
import { startReceiver, type Receiver } from '../support/receiver';

jest.setTimeout(180_000);

const ENDPOINTS = 10;
const EVENTS_PER_ENDPOINT = 100;
const TOTAL = ENDPOINTS * EVENTS_PER_ENDPOINT;

let world: World;
let vhost: TestVhost;
let receiver: Receiver;
let service: ChildProcess | null = null;

function startService(): ChildProcess {
  return startBuiltService({
    PRINCIPAL_SECRET,
    AMQP_URL: vhost.url,
    DATABASE_URL: world.db.url,
    WEBHOOKS_ALLOW_INSECURE_LOOPBACK: 'true',
    WEBHOOK_TIMEOUT_MS: '1000',
    WEBHOOK_RETRY_SCHEDULE: '100ms,200ms,500ms,1s,1s,1s,1s,1s,1s,1s',
    WEBHOOK_POLL_MS: '20',
  });
}

beforeAll(async () => {
  expect(existsSync(BUILT_MAIN)).toBe(true); // built by `pnpm exec tsc -b`
  world = await createWorld('notif_sigkill');
  vhost = await createTestVhost('notif_sigkill');
  // slow enough that each kill lands with attempts in flight
  receiver = await startReceiver(() => ({ status: 204, delayMs: 15 }));
});

afterAll(async () => {
  await stopProcess(service);
  await receiver?.close();
  await vhost?.drop();
  await world?.close();
});

it('delivers all 1,000 at least once across two SIGKILLs, each verifying, none lost', async () => {
  const secrets = new Map<string, string>();
  const recipients: { accountType: 'customer'; accountId: string }[] = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const accountId = randomUUID();
    const res = await world.as({ type: 'customer', id: accountId, resellerId: null, scopes: [] }).post('/v1/webhook-endpoints', { url: receiver.url(`/e${i}`), eventTypes: ['job.*'] });
    secrets.set(`/e${i}`, res.body.secret);
    recipients.push({ accountType: 'customer', accountId });
  }
  const channel = webhookChannel({ now: () => new Date() });
  for (let e = 0; e < EVENTS_PER_ENDPOINT; e++) {
    const eventId = randomUUID();
    await world.prisma.$transaction(async (tx) => {
      for (const recipient of recipients) {
        await channel.deliver(tx, { eventId, type: 'job.completed', occurredAt: new Date().toISOString(), data: { e }, recipient });
      }
    });
  }
  expect(await world.prisma.webhookDelivery.count()).toBe(TOTAL);

  service = startService();
  await waitFor(() => receiver.received.length >= 200, 60_000, '200 deliveries');
  await stopProcess(service);
  const afterFirstKill = receiver.received.length;
  service = startService();
  await waitFor(() => receiver.received.length >= afterFirstKill + 300, 60_000, '300 more deliveries');
  await stopProcess(service);
  service = startService();
  await waitFor(async () => (await world.prisma.webhookDelivery.count({ where: { status: 'succeeded' } })) === TOTAL, 90_000, 'every delivery to succeed');

  const distinct = new Set(receiver.received.map((r) => `${r.path} ${String(r.headers['webhook-id'])}`));
  const duplicates = receiver.received.length - distinct.size;
  console.log(`R9 webhooks: ${TOTAL} deliveries, ${receiver.received.length} requests received, ${distinct.size} distinct, ${duplicates} duplicates`);
  expect(distinct.size).toBe(TOTAL);
  for (const r of receiver.received) {
    expect(() => new Webhook(secrets.get(r.path)!).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
  }
});
