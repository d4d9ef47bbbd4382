// Exactly once across a crash (issue 15 acceptance "after a billing SIGKILL mid-batch → one
// charge"): the built service runs as a process on this suite's database and vhost; 300
// job.completed are published, billing is killed with SIGKILL while it charges them, every event is
// published once more, and a fresh billing process finishes. Each job is charged exactly once and
// verify passes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Envelope } from '@runfleet/contracts';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger, createMetrics } from '@runfleet/service-kit';
import { createTestVhost, getQueue, type TestVhost } from '@runfleet/test-infra';
import { MONEY_TRANSACTION } from '../../src/db';
import { insertPriceVersion } from '../../src/data/price-list.repository';
import { placeJobHold } from '../../src/domain/place-job-hold';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { waitFor } from '../support/broker';
import { jobCompleted, jobSubmitted } from '../support/events';
import { createWorld, PRINCIPAL_SECRET, UNIT, type World } from '../support/world';

jest.setTimeout(180_000);

const MAIN = path.resolve(__dirname, '../../dist/main.js');
const JOBS = 300;

let world: World;
let vhost: TestVhost;
let registry: Messaging;
let billing: ChildProcess | null = null;

function startBilling(): ChildProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', PRINCIPAL_SECRET, AMQP_URL: vhost.url, DATABASE_URL: world.db.url },
    stdio: 'ignore',
  });
  return child;
}

async function stop(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

beforeAll(async () => {
  expect(existsSync(MAIN)).toBe(true); // built by `pnpm exec tsc -b`
  world = await createWorld('billing_sigkill', { poolMax: 4 });
  vhost = await createTestVhost('billing_sigkill');
  registry = createMessaging({ service: 'runner-registry', amqpUrl: vhost.url, logger: createLogger({ service: 'test', level: 'silent' }), registry: createMetrics('test').registry });
  await registry.publisher.waitForConnect();
});

afterAll(async () => {
  await stop(billing, 'SIGKILL');
  await registry?.close();
  await vhost?.drop();
  await world?.close();
});

async function charges(): Promise<number> {
  return world.prisma.ledgerEntry.count({ where: { type: 'charge' } });
}

describe('billing killed mid-batch', () => {
  it('charges every job exactly once after a SIGKILL and a second delivery of every event', async () => {
    await insertPriceVersion(world.prisma, { jobType: 'render', unit: 'run', unitPrice: 100_000n, currency: 'EUR', retired: false, effectiveFrom: new Date(0), createdBy: 'test' });
    const wallet = await world.newCustomerWallet();
    await world.fund(wallet.id, 1_000n * UNIT);
    const jobs = Array.from({ length: JOBS }, () => jobSubmitted(wallet.ownerId, { maxCost: '1', jobId: randomUUID() }));
    for (const job of jobs) {
      await world.prisma.$transaction((tx) => placeJobHold(tx, job, new Date(), { holdTtlMs: 3_600_000 }), MONEY_TRANSACTION);
    }

    billing = startBilling();
    // the queue exists once billing has subscribed
    await waitFor(async () => (await getQueue(vhost.name, 'billing.jobs')) !== null, 'billing declared its queue', 60_000);
    const envelopes: Envelope[] = [];
    for (const job of jobs) {
      const envelope = registry.envelope('job.completed', jobCompleted(job, '1'));
      envelopes.push(envelope);
      await registry.publisher.publish(envelope);
    }
    await waitFor(async () => (await charges()) > 0, 'billing starts charging', 60_000);
    await stop(billing, 'SIGKILL');
    const beforeRestart = await charges();
    expect(beforeRestart).toBeLessThan(JOBS); // killed mid-way, or the test proves nothing

    for (const envelope of envelopes) await registry.publisher.publish(envelope);
    billing = startBilling();
    await waitFor(async () => (await world.prisma.hold.count({ where: { walletId: wallet.id, status: 'pending' } })) === 0, 'every hold is posted', 120_000);
    await waitFor(async () => (await world.prisma.inboxMessage.count({ where: { consumer: 'billing.jobs' } })) === JOBS, 'every event is in the inbox', 60_000);
    await stop(billing, 'SIGTERM');

    expect(await charges()).toBe(JOBS);
    const perJob = await world.prisma.ledgerEntry.groupBy({ by: ['referenceId'], where: { type: 'charge' }, _count: { _all: true } });
    expect(perJob.every((g) => g._count._all === 1)).toBe(true);
    expect((await world.wallet(wallet.id)).balance).toBe(1_000n * UNIT - BigInt(JOBS) * 100_000n);
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
  });
});
