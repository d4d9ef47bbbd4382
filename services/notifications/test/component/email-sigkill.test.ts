// R9, email half (issue 17 acceptance): the built service runs as a process on this suite's
// database and vhost, mailing to a local SMTP server; 1,000 job.completed are published and the
// process is SIGKILLed twice while it mails them. Every event reaches the sink as a mail, and the
// duplicates (a kill between a mail leaving and its row being marked sent) are counted, printed
// and at most 5.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger, createMetrics } from '@runfleet/service-kit';
import { createTestVhost, getQueue, type TestVhost } from '@runfleet/test-infra';
import { BUILT_MAIN, startBuiltService, stopProcess } from '../support/built-service';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/wait-for';
import { createWorld, jobCompleted, PRINCIPAL_SECRET, type World } from '../support/world';

jest.setTimeout(240_000);

const EVENTS = 1_000;
const KILL_AT = [250, 600];
const MAX_DUPLICATES = 5;

let world: World;
let vhost: TestVhost;
let sink: SmtpSink;
let registry: Messaging;
let notifications: ChildProcess | null = null;

function startNotifications(): ChildProcess {
  return startBuiltService({
    PRINCIPAL_SECRET,
    AMQP_URL: vhost.url,
    DATABASE_URL: world.db.url,
    SMTP_URL: sink.url,
    // a killed sender's claims are taken over after 2 s rather than a minute
    EMAIL_LEASE_MS: '2000',
    EMAIL_POLL_INTERVAL_MS: '200',
  });
}

beforeAll(async () => {
  expect(existsSync(BUILT_MAIN)).toBe(true); // built by `pnpm exec tsc -b`
  world = await createWorld('notifications_sigkill');
  vhost = await createTestVhost('notifications_sigkill');
  sink = await startSmtpSink();
  registry = createMessaging({ service: 'runner-registry', amqpUrl: vhost.url, logger: createLogger({ service: 'test', level: 'silent' }), registry: createMetrics('test').registry });
  await registry.publisher.waitForConnect();
});

afterAll(async () => {
  await stopProcess(notifications, 'SIGKILL');
  await registry?.close();
  await sink?.close();
  await vhost?.drop();
  await world?.close();
});

describe('notifications killed while it mails', () => {
  it('mails every one of 1,000 events after two SIGKILLs, with at most 5 duplicates', async () => {
    notifications = startNotifications();
    await waitFor(async () => (await getQueue(vhost.name, 'notifications.deliveries'))?.consumers === 1, 'notifications consumes its queue', 60_000);
    for (let i = 0; i < EVENTS; i += 1) {
      await registry.publisher.publish(registry.envelope('job.completed', jobCompleted(world.ids.direct, null)));
    }
    for (const at of KILL_AT) {
      await waitFor(() => sink.mails.length >= at, `${at} mails reached the sink`, 60_000, 5);
      await stopProcess(notifications, 'SIGKILL');
      expect(new Set(sink.mails.map((m) => m.eventId)).size).toBeLessThan(EVENTS); // killed mid-way, or the test proves nothing
      notifications = startNotifications();
    }
    await waitFor(async () => (await world.prisma.emailSend.count({ where: { status: 'sent' } })) === EVENTS, 'every email is marked sent', 120_000, 100);
    await stopProcess(notifications, 'SIGTERM');

    const distinct = new Set(sink.mails.map((m) => m.eventId));
    const duplicates = sink.mails.length - distinct.size;
    console.log(`R9 email: ${EVENTS} events, ${KILL_AT.length} SIGKILLs → ${sink.mails.length} mails at the sink, ${distinct.size} distinct, ${duplicates} duplicates`);
    expect(distinct.size).toBe(EVENTS);
    expect(sink.mails.every((m) => m.to[0] === 'direct@customers.example')).toBe(true);
    expect(await world.prisma.emailSend.count()).toBe(EVENTS);
    expect(duplicates).toBeLessThanOrEqual(MAX_DUPLICATES);
  });
});
