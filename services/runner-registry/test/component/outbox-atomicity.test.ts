// Every runner-registry use case that emits an event commits the event with its state change or not
// at all (DESIGN.md §6; modelled on services/reseller/test/component/outbox-atomicity.test.ts). Each
// runs twice: while the database refuses to commit any transaction that wrote an outbox row, and
// while it refuses any that wrote a state row (the refusal comes at COMMIT, after everything else).
// Either way the call fails and no table changed — a state change or an event committed in a
// transaction of its own would survive — and no event reaches the broker that was not committed.
// The job saga (submit, hold verdicts, the runner API) runs on node-postgres transactions, the rest
// on Prisma: both are here.
import { randomUUID } from 'node:crypto';
import type { EventData } from '@runfleet/contracts';
import { refuseCommitsWriting, snapshotTables } from '@runfleet/test-infra';
import { applyHoldPlaced, applyHoldRejected } from '../../src/domain/apply-hold-verdict';
import { recoverHeardRunner } from '../../src/domain/recover-runner';
import { sweepRunners, type SweepDeps } from '../../src/domain/sweep-runners';
import { startBroker, type Broker } from '../support/broker';
import { placeHold } from '../support/jobs';
import { createWorld, GATEWAY, waitFor, type RegisteredRunner, type World } from '../support/world';

jest.setTimeout(120_000);

const INTERVAL_MS = 10_000;
let world: World;
let broker: Broker;
let sweepDeps: SweepDeps;
const LEASE_MS = 120_000;
let sharedToken: string;

beforeAll(async () => {
  // Queue mode of fail fast: a submit does not depend on which runners the sweeps left online.
  world = await createWorld('registry_outbox_atomicity', { jobPolicy: { maxAttempts: 3, defaultTimeoutSeconds: 3600, noCompatibleRunner: 'queue' } });
  broker = await startBroker(world, 'registry_outbox_atomicity');
  sweepDeps = {
    prisma: world.prisma,
    now: world.clock.now,
    heartbeats: world.heartbeats,
    queuedJobs: world.queuedJobs,
    liveness: { intervalMs: INTERVAL_MS, staleAfterMissed: 2, offlineAfterMissed: 5 },
    maxQueueMs: 60_000,
  };
  sharedToken = (await world.registrationToken('admin')).token;
});

afterAll(async () => {
  await broker?.close();
  await world?.close();
});

async function published(): Promise<number> {
  return world.prisma.outboxEvent.count({ where: { publishedAt: { not: null } } });
}

interface UseCase {
  name: string;
  /** state the call needs, made with commits allowed; returns what the call uses */
  setup?: () => Promise<string>;
  /** the use case, through its entry point; resolves with the HTTP status, or rejects */
  call: (id: string) => Promise<number>;
}

const http = (res: { status: number; headers: Record<string, string> }) => {
  // A refused commit is a server error, reported as a problem document, not a success.
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  return res.status;
};

/** A job type of its own per case, so a claim finds only that case's job. */
const ownType = () => `atomic-${randomUUID().slice(0, 8)}`;

async function runnerOf(type: string): Promise<RegisteredRunner> {
  const runner = await world.registerRunner(sharedToken, { name: type, jobTypes: [type], capacity: 1 });
  expect((await world.as(runner.principal).post('/v1/runners/me/heartbeat', {})).status).toBe(200);
  return runner;
}

async function submitted(type: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; customerId: string }> {
  const res = await world.as('customerA').post('/v1/jobs', {
    projectId: world.projects.customerA,
    type,
    payload: { scene: 'atomic' },
    maxCost: { amount: '1.00', currency: 'EUR' },
    ...overrides,
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; customerId: string };
}

/** A runner of its own (its own job type) holding a job in `stage`. */
async function held(stage: 'assigned' | 'running', overrides: Record<string, unknown> = {}): Promise<{ runner: RegisteredRunner; jobId: string }> {
  const type = ownType();
  const runner = await runnerOf(type);
  const job = await submitted(type, overrides);
  await placeHold(world, job);
  const claimed = await world.as(runner.principal).post('/v1/runners/me/jobs/claim', { waitSeconds: 0 });
  expect(claimed.body.id).toBe(job.id);
  if (stage === 'running') expect((await world.as(runner.principal).post(`/v1/runners/me/jobs/${job.id}/start`)).status).toBe(200);
  return { runner, jobId: job.id };
}

// Runners of the cases, by the id `setup` returned, for the runner API calls.
const runners = new Map<string, RegisteredRunner>();
const remember = ({ runner, jobId }: { runner: RegisteredRunner; jobId: string }) => {
  runners.set(jobId, runner);
  return jobId;
};
const moveAs = (jobId: string, action: string, body?: object) => world.as(runners.get(jobId)!.principal).post(`/v1/runners/me/jobs/${jobId}/${action}`, body);

const holdData = (job: { id: string; customerId: string }) => ({
  walletId: randomUUID(),
  customerId: job.customerId,
  resellerId: world.ids.resellerA,
  amount: '1.000000',
  currency: 'EUR',
  reference: { kind: 'job' as const, id: job.id },
});
const submittedJobs = new Map<string, { id: string; customerId: string }>();

/** A runner the sweeper has made stale. */
async function staleRunner(): Promise<RegisteredRunner> {
  const runner = await runnerOf(ownType());
  await sweepRunners(sweepDeps);
  world.clock.advance(2.5 * INTERVAL_MS);
  await sweepRunners(sweepDeps);
  expect((await world.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } })).status).toBe('stale');
  return runner;
}

/** The sweeper as main.ts runs it; a refused pass rejects. */
const sweep = async () => {
  await sweepRunners(sweepDeps);
  return 200;
};

const useCases: UseCase[] = [
  {
    name: 'register a runner (runner.registered)',
    setup: async () => (await world.registrationToken('admin')).token,
    call: async (token) => {
      const verified = await world.as(GATEWAY).post('/internal/registration-tokens/verify', { key: token });
      expect(verified.status).toBe(200);
      return http(await world.as(verified.body.principal).post('/v1/runners', { name: 'atomic', jobTypes: ['render'], capacity: 1, version: '1.0.0' }));
    },
  },
  {
    name: 'disable a runner holding a job (runner.revoked, job.requeued)',
    setup: async () => (await held('running')).runner.id,
    call: async (id) => http(await world.as('admin').post(`/v1/runners/${id}/disable`)),
  },
  {
    name: 'delete a runner (runner.revoked)',
    setup: async () => (await runnerOf(ownType())).id,
    call: async (id) => http(await world.as('admin').delete(`/v1/runners/${id}`)),
  },
  {
    name: 'submit a job (job.submitted)',
    call: async () => http(await world.as('customerA').post('/v1/jobs', { projectId: world.projects.customerA, type: ownType(), payload: {}, maxCost: { amount: '1.00', currency: 'EUR' } })),
  },
  {
    name: 'cancel a job (job.cancelled)',
    setup: async () => {
      const job = await submitted(ownType());
      await placeHold(world, job);
      return job.id;
    },
    call: async (id) => http(await world.as('customerA').post(`/v1/jobs/${id}/cancel`)),
  },
  {
    name: "billing's hold placed (holds consumer: job.queued)",
    setup: async () => {
      const job = await submitted(ownType());
      submittedJobs.set(job.id, job);
      return job.id;
    },
    call: async (id) => {
      const data: EventData<'wallet.hold_placed'> = { ...holdData(submittedJobs.get(id)!), holdId: randomUUID(), availableAfter: '9.000000', expiresAt: null };
      await world.transactions((tx) => applyHoldPlaced(tx, data, world.clock.now()));
      return 200;
    },
  },
  {
    name: "billing's hold rejected (holds consumer: job.rejected)",
    setup: async () => {
      const job = await submitted(ownType());
      submittedJobs.set(job.id, job);
      return job.id;
    },
    call: async (id) => {
      const data: EventData<'wallet.hold_rejected'> = { ...holdData(submittedJobs.get(id)!), available: '0.000000', reason: 'insufficient_funds' };
      await world.transactions((tx) => applyHoldRejected(tx, data, world.clock.now()));
      return 200;
    },
  },
  {
    name: 'claim a job (job.assigned)',
    setup: async () => {
      const type = ownType();
      const runner = await runnerOf(type);
      const job = await submitted(type);
      await placeHold(world, job);
      runners.set(job.id, runner);
      return job.id;
    },
    call: async (id) => http(await world.as(runners.get(id)!.principal).post('/v1/runners/me/jobs/claim', { waitSeconds: 0 })),
  },
  {
    name: 'start a job (job.started)',
    setup: async () => remember(await held('assigned')),
    call: async (id) => http(await moveAs(id, 'start')),
  },
  {
    name: 'complete a job (job.completed)',
    setup: async () => remember(await held('running')),
    call: async (id) => http(await moveAs(id, 'complete', { units: '2.5', durationMs: 2_500 })),
  },
  {
    name: 'fail a job (job.failed)',
    setup: async () => remember(await held('running')),
    call: async (id) => http(await moveAs(id, 'fail', { message: 'exit 1' })),
  },
  {
    name: 'sweeper: a silent runner goes stale (runner.stale)',
    setup: async () => {
      const runner = await runnerOf(ownType());
      await sweepRunners(sweepDeps);
      world.clock.advance(2.5 * INTERVAL_MS);
      return runner.id;
    },
    call: sweep,
  },
  {
    name: 'sweeper: a silent runner goes offline, its job requeued (runner.offline, job.requeued)',
    setup: async () => {
      const { runner } = await held('running');
      await sweepRunners(sweepDeps);
      world.clock.advance(5.5 * INTERVAL_MS);
      return runner.id;
    },
    call: sweep,
  },
  {
    name: 'sweeper: a stale runner heard from again recovers (runner.recovered)',
    setup: async () => {
      const runner = await staleRunner();
      // the heartbeat reached Redis only (its own recovery could not commit): the sweeper's pass brings it back
      await world.heartbeats.record(runner.id, world.clock.now(), {});
      return runner.id;
    },
    call: sweep,
  },
  {
    name: 'heartbeat: a stale runner heard from again recovers at once (runner.recovered)',
    setup: async () => (await staleRunner()).id,
    call: async (runnerId: string) => {
      await recoverHeardRunner(sweepDeps, runnerId, world.clock.now());
      return 200;
    },
  },
  {
    name: 'sweeper: a job its runner did not start within the assignment lease goes back to the queue (job.requeued, lease_expired)',
    setup: async () => {
      const { jobId } = await held('assigned');
      world.clock.advance(LEASE_MS + 1_000);
      return jobId;
    },
    call: async () => {
      await sweepRunners({ ...sweepDeps, assignmentLeaseMs: LEASE_MS });
      return 200;
    },
  },
  {
    name: 'sweeper: a running job past its timeout fails (job.failed, timeout)',
    setup: async () => {
      const { jobId } = await held('running', { timeoutSeconds: 1 });
      await sweepRunners(sweepDeps);
      world.clock.advance(2_000);
      return jobId;
    },
    call: sweep,
  },
  {
    name: 'sweeper: a job no runner can take waited too long (job.failed, no_compatible_runner)',
    setup: async () => {
      const job = await submitted(ownType());
      await placeHold(world, job);
      await sweepRunners(sweepDeps);
      world.clock.advance(61_000);
      return job.id;
    },
    call: sweep,
  },
];

describe.each(['outbox', 'state'] as const)('commits refused for transactions writing %s rows', (refused) => {
  test.each(useCases)('$name: the call fails and no table changed', async ({ setup, call }) => {
    const id = setup ? await setup() : '';
    // The relay marking the setup's events published would change the outbox table mid-test.
    broker.registry.outboxCommitted();
    await waitFor(async () => (await world.count('outbox_event')) === (await published()), 'the relay published the setup events');
    const before = await snapshotTables(world.db.url);

    const outcome = await refuseCommitsWriting(world.db.url, refused, () => call(id).catch((err: unknown) => err));

    if (typeof outcome === 'number') expect(outcome).toBe(500);
    else expect(String(outcome)).toMatch(/may not commit/);
    expect(await snapshotTables(world.db.url)).toEqual(before);
  });
});

test('every event that reached the broker was committed in the outbox: none of the refused ones', async () => {
  // A marker committed after all of them: once it is on the broker, anything the relay had would be too.
  const marker = await submitted(ownType());
  broker.registry.outboxCommitted();
  await waitFor(() => broker.observed('job.submitted').some((e) => (e.data as { jobId: string }).jobId === marker.id), 'the marker event is on the broker');
  const committed = new Set((await world.prisma.outboxEvent.findMany({ select: { id: true } })).map((row) => row.id));
  const all = ['runner.registered', 'runner.revoked', 'runner.stale', 'runner.offline', 'runner.recovered', 'job.submitted', 'job.queued', 'job.rejected', 'job.assigned', 'job.started', 'job.completed', 'job.failed', 'job.cancelled', 'job.requeued'];
  const seen = all.flatMap((type) => broker.observed(type));
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.filter((e) => !committed.has(e.id))).toEqual([]);
});
