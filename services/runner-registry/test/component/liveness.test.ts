// Heartbeats and the sweeper (issue 14 item 3 and its acceptance): heartbeats write Redis only and
// reach PostgreSQL in batches; a silent runner goes stale after 2 intervals and offline after 5;
// its running job is requeued once and claimed by another runner, or fails with runner_lost at its
// last attempt; progress reports keep a runner without heartbeats alive; a runner heard from again
// recovers; running jobs past their timeout fail. The clock is moved, never slept on.
import { recordHeartbeat, type HeartbeatDeps } from '../../src/domain/record-heartbeat';
import { sweepRunners, type SweepDeps } from '../../src/domain/sweep-runners';
import { createWorld, outboxEvents, type RegisteredRunner, type World } from '../support/world';
import { queued } from '../support/jobs';

jest.setTimeout(90_000);

const INTERVAL_MS = 10_000;
let world: World;
let sweepDeps: SweepDeps;
let sharedToken: string;

beforeAll(async () => {
  world = await createWorld('registry_liveness');
  sweepDeps = {
    prisma: world.prisma,
    now: world.clock.now,
    heartbeats: world.heartbeats,
    queuedJobs: world.queuedJobs,
    liveness: { intervalMs: INTERVAL_MS, staleAfterMissed: 2, offlineAfterMissed: 5 },
  };
  sharedToken = (await world.registrationToken('admin')).token;
});

afterAll(async () => {
  await world?.close();
});

const heartbeat = (runner: RegisteredRunner, body: object = {}) => world.as(runner.principal).post('/v1/runners/me/heartbeat', body);
const claim = (runner: RegisteredRunner) => world.as(runner.principal).post('/v1/runners/me/jobs/claim', { waitSeconds: 0 });
const move = (runner: RegisteredRunner, jobId: string, action: string, body?: object) => world.as(runner.principal).post(`/v1/runners/me/jobs/${jobId}/${action}`, body);
const status = async (runner: RegisteredRunner) => (await world.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } })).status;
const jobRow = (id: string) => world.prisma.job.findUniqueOrThrow({ where: { id } });
const heartbeatDeps = (): HeartbeatDeps => ({
  prisma: world.prisma,
  now: world.clock.now,
  heartbeats: world.heartbeats,
  heartbeatIntervalSeconds: 10,
  staleAfterMissed: 2,
  logger: { warn: () => undefined },
});

/** Moves the clock by `ms`, letting `alive` heartbeat at the new time, then sweeps once. */
async function after(ms: number, alive: RegisteredRunner[] = []) {
  world.clock.advance(ms);
  for (const runner of alive) expect((await heartbeat(runner)).status).toBe(200);
  return sweepRunners(sweepDeps);
}

async function pair(type: string): Promise<[RegisteredRunner, RegisteredRunner]> {
  const a = await world.registerRunner(sharedToken, { name: `${type}-a`, jobTypes: [type], capacity: 1 });
  const b = await world.registerRunner(sharedToken, { name: `${type}-b`, jobTypes: [type], capacity: 1 });
  await heartbeat(a);
  await heartbeat(b);
  return [a, b];
}

describe('heartbeats', () => {
  it('write Redis only; the sweeper writes them behind to PostgreSQL; the answer names the runner’s cancelled jobs', async () => {
    const [runner] = await pair('hb');
    const job = await queued(world, 'customerA', { type: 'hb' });
    await claim(runner);
    const before = await world.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } });
    world.clock.advance(1_000);
    const beat = await heartbeat(runner, { version: '2.0.0', jobsRunning: 1, freeCapacity: 0 });
    expect(beat.body).toEqual({ cancelledJobIds: [], intervalSeconds: 10 });
    expect((await world.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } })).lastHeartbeatAt).toEqual(before.lastHeartbeatAt);

    await sweepRunners(sweepDeps);
    const written = (await world.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } })).lastHeartbeatAt!;
    expect(Math.abs(written.getTime() - world.clock.now().getTime())).toBeLessThan(2_000);

    await world.as('customerA').post(`/v1/jobs/${job.id}/cancel`);
    expect((await heartbeat(runner)).body.cancelledJobIds).toEqual([job.id]);
    const bad = await heartbeat(runner, { jobsRunning: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'body.jobsRunning' })]);
  });
});

describe('a runner that stops heartbeating', () => {
  it('goes stale after 2 intervals and offline after 5; its running job is requeued once and claimed by another runner', async () => {
    const [silent, alive] = await pair('lost');
    const job = await queued(world, 'customerA', { type: 'lost' });
    expect((await claim(silent)).body.id).toBe(job.id);
    await move(silent, job.id, 'start');

    expect((await after(15_000, [alive]))?.stale).not.toContain(silent.id);
    expect(await status(silent)).toBe('active');
    expect((await after(10_000, [alive]))?.stale).toContain(silent.id); // 25 s: 2 intervals missed
    expect(await status(silent)).toBe('stale');
    expect(await status(alive)).toBe('active');
    expect((await jobRow(job.id)).status).toBe('running');
    expect(await outboxEvents(world.prisma, 'runner.stale')).toContainEqual(expect.objectContaining({ runnerId: silent.id, missedIntervals: 2 }));

    await after(20_000, [alive]); // 45 s
    expect(await status(silent)).toBe('stale');
    const offline = await after(10_000, [alive]); // 55 s: 5 missed
    expect(offline?.offline).toContain(silent.id);
    expect(await status(silent)).toBe('offline');
    expect(await outboxEvents(world.prisma, 'runner.offline')).toContainEqual(
      expect.objectContaining({ runnerId: silent.id, requeuedJobIds: [job.id], failedJobIds: [] }),
    );
    expect(await jobRow(job.id)).toMatchObject({ status: 'queued', runnerId: null, attempt: 1 });

    const reclaimed = await claim(alive);
    expect(reclaimed.body).toMatchObject({ id: job.id, runnerId: alive.id, attempt: 2 });
    await after(10_000, [alive]);
    expect((await outboxEvents(world.prisma, 'job.requeued')).filter((e) => e.jobId === job.id)).toEqual([
      expect.objectContaining({ previousRunnerId: silent.id, attempt: 2, reason: 'runner_offline' }),
    ]);
    // the offline runner gets no new jobs; heard from again, it recovers at that heartbeat, not at the next sweep
    expect((await claim(silent)).status).toBe(409);
    world.clock.advance(1_000);
    expect((await heartbeat(silent)).status).toBe(200);
    expect(await status(silent)).toBe('active');
    expect(await outboxEvents(world.prisma, 'runner.recovered')).toContainEqual(
      expect.objectContaining({ runnerId: silent.id, previousStatus: 'offline', lastHeartbeatAt: expect.any(String) }),
    );
    expect((await claim(silent)).status).toBe(204);
    expect((await sweepRunners(sweepDeps))?.recovered).not.toContain(silent.id);
  });

  it('a job it was assigned but never started is requeued too, and claimed by another runner', async () => {
    const [silent, alive] = await pair('unstarted');
    const job = await queued(world, 'customerA', { type: 'unstarted' });
    expect((await claim(silent)).body).toMatchObject({ id: job.id, status: 'assigned' });

    await after(30_000, [alive]);
    const offline = await after(30_000, [alive]);
    expect(offline?.offline).toContain(silent.id);
    expect(await jobRow(job.id)).toMatchObject({ status: 'queued', runnerId: null });
    expect(await outboxEvents(world.prisma, 'runner.offline')).toContainEqual(expect.objectContaining({ runnerId: silent.id, requeuedJobIds: [job.id], failedJobIds: [] }));
    expect((await outboxEvents(world.prisma, 'job.requeued')).filter((e) => e.jobId === job.id)).toEqual([
      expect.objectContaining({ previousRunnerId: silent.id, reason: 'runner_offline' }),
    ]);
    expect((await claim(alive)).body).toMatchObject({ id: job.id, runnerId: alive.id });
  });

  it('at its maximum attempts, its job fails with runner_lost', async () => {
    const [silent, alive] = await pair('last');
    const job = await queued(world, 'customerA', { type: 'last' });
    await world.prisma.job.update({ where: { id: job.id }, data: { maxAttempts: 1 } });
    await claim(silent);
    await move(silent, job.id, 'start');

    await after(30_000, [alive]);
    await after(30_000, [alive]);
    expect(await jobRow(job.id)).toMatchObject({ status: 'failed', reason: 'runner_lost' });
    expect(await outboxEvents(world.prisma, 'job.failed')).toContainEqual(expect.objectContaining({ jobId: job.id, reason: 'runner_lost', runnerId: silent.id }));
    expect(await outboxEvents(world.prisma, 'runner.offline')).toContainEqual(expect.objectContaining({ runnerId: silent.id, requeuedJobIds: [], failedJobIds: [job.id] }));
  });

  it('is kept alive by its running job’s progress reports', async () => {
    const [busy] = await pair('busy');
    const job = await queued(world, 'customerA', { type: 'busy' });
    await claim(busy);
    await move(busy, job.id, 'start');
    for (let step = 0; step < 8; step += 1) {
      world.clock.advance(9_000);
      expect((await move(busy, job.id, 'progress', { percent: step * 10 })).status).toBe(200);
      await sweepRunners(sweepDeps);
    }
    expect(await status(busy)).toBe('active');
    expect((await jobRow(job.id)).status).toBe('running');
  });
});

describe('a runner heard from again after an outage', () => {
  it('comes back at its first heartbeat — it claims at once and counts for submissions — and its next heartbeats cost no transaction', async () => {
    const [stuck] = await pair('outage');
    // the registry's database was down: no sweep, no heartbeat got through for 25 s, then the sweeper marks it stale
    await after(25_000);
    expect(await status(stuck)).toBe('stale');
    expect((await claim(stuck)).status).toBe(409);
    // stale is not offline: a job for it is still accepted, and waits
    const waiting = await queued(world, 'customerA', { type: 'outage' });

    world.clock.advance(1_000);
    expect((await heartbeat(stuck)).status).toBe(200);
    expect(await status(stuck)).toBe('active');
    expect((await claim(stuck)).body).toMatchObject({ id: waiting.id, runnerId: stuck.id });
    const recoveredOnce = async () => (await outboxEvents(world.prisma, 'runner.recovered')).filter((e) => e.runnerId === stuck.id);
    expect(await recoveredOnce()).toEqual([expect.objectContaining({ previousStatus: 'stale' })]);

    // an active runner heartbeating on time: no transaction, no second runner.recovered
    const transactions = jest.spyOn(world.prisma, '$transaction');
    try {
      for (let beat = 0; beat < 5; beat += 1) {
        world.clock.advance(5_000);
        expect((await heartbeat(stuck)).status).toBe(200);
      }
      expect(transactions).not.toHaveBeenCalled();
    } finally {
      transactions.mockRestore();
    }
    expect(await recoveredOnce()).toHaveLength(1);
  });

  it('a heartbeat the database cannot take still answers 200; the sweeper brings the runner back later', async () => {
    const [lost] = await pair('db-down');
    await after(25_000);
    expect(await status(lost)).toBe('stale');
    world.clock.advance(1_000);
    const warnings: string[] = [];
    const failing = { ...heartbeatDeps(), prisma: { $transaction: () => Promise.reject(new Error('connection refused')) } as never, logger: { warn: (_o: object, msg: string) => warnings.push(msg) } };
    expect(await recordHeartbeat(failing, lost.id, {})).toEqual({ cancelledJobIds: [], intervalSeconds: 10 });
    expect(warnings).toEqual([expect.stringContaining('the sweeper will')]);
    expect(await status(lost)).toBe('stale');
    expect((await sweepRunners(sweepDeps))?.recovered).toContain(lost.id);
    expect(await status(lost)).toBe('active');
  });
});

describe('an operator’s decision outlives a runner’s silence', () => {
  it('a draining runner that goes stale and is heard from again comes back draining, not active', async () => {
    const [drained] = await pair('drained');
    expect((await world.as('admin').post(`/v1/runners/${drained.id}/drain`)).body.status).toBe('draining');
    await after(25_000);
    expect(await status(drained)).toBe('stale');
    await after(1_000, [drained]);
    expect(await status(drained)).toBe('draining');
    expect((await claim(drained)).status).toBe(409);
    // offline and back: still draining; activated while silent, it comes back active
    await after(25_000);
    await after(30_000);
    expect(await status(drained)).toBe('offline');
    expect((await world.as('admin').post(`/v1/runners/${drained.id}/activate`)).status).toBe(200);
    await after(1_000, [drained]);
    expect(await status(drained)).toBe('active');
  });

  it('a runner disabled while stale stays disabled however recent its last heartbeat', async () => {
    const [disabled] = await pair('disabled');
    await after(25_000);
    expect(await status(disabled)).toBe('stale');
    expect((await world.as('admin').post(`/v1/runners/${disabled.id}/disable`)).body.status).toBe('disabled');
    world.clock.advance(1_000);
    await world.heartbeats.record(disabled.id, world.clock.now(), {}); // a heartbeat that reached Redis as it was disabled
    const swept = await sweepRunners(sweepDeps);
    expect(swept?.recovered).not.toContain(disabled.id);
    expect(await status(disabled)).toBe('disabled');
  });
});

describe('the sweeper', () => {
  it('fails a running job past its timeout with timeout', async () => {
    const [runner] = await pair('slow');
    const job = await queued(world, 'customerA', { type: 'slow', timeoutSeconds: 30 });
    await claim(runner);
    await move(runner, job.id, 'start');
    await after(20_000, [runner]);
    expect((await jobRow(job.id)).status).toBe('running');
    const swept = await after(15_000, [runner]);
    expect(swept?.timedOutJobIds).toContain(job.id);
    expect(await jobRow(job.id)).toMatchObject({ status: 'failed', reason: 'timeout' });
  });

  it('requeues a job its runner never started within the assignment lease (lease_expired); the runner’s late start is refused', async () => {
    const leased: SweepDeps = { ...sweepDeps, assignmentLeaseMs: 120_000 };
    const [forgetful, other] = await pair('lease');
    const job = await queued(world, 'customerA', { type: 'lease' });
    // the claim's answer never reached the runner: the job is assigned to it, and it does not know
    expect((await claim(forgetful)).body).toMatchObject({ id: job.id, status: 'assigned' });
    const started = await queued(world, 'customerA', { type: 'lease' });
    expect((await claim(other)).body.id).toBe(started.id);
    expect((await move(other, started.id, 'start')).status).toBe(200);

    world.clock.advance(100_000);
    for (const runner of [forgetful, other]) await heartbeat(runner);
    expect((await sweepRunners(leased))?.expiredJobIds).not.toContain(job.id);
    world.clock.advance(25_000);
    for (const runner of [forgetful, other]) await heartbeat(runner);
    const swept = await sweepRunners(leased);
    expect(swept?.expiredJobIds).toEqual([job.id]);
    expect(await jobRow(job.id)).toMatchObject({ status: 'queued', runnerId: null, attempt: 1 });
    expect((await jobRow(started.id)).status).toBe('running');
    expect((await outboxEvents(world.prisma, 'job.requeued')).filter((e) => e.jobId === job.id)).toEqual([
      expect.objectContaining({ previousRunnerId: forgetful.id, attempt: 2, reason: 'lease_expired' }),
    ]);
    expect(await status(forgetful)).toBe('active');
    // too late: the job is no longer its own; it claims it again as attempt 2
    expect((await move(forgetful, job.id, 'start')).status).toBe(404);
    expect((await claim(forgetful)).body).toMatchObject({ id: job.id, attempt: 2 });
  });

  it('fails a job whose lease expired at its last attempt with runner_lost', async () => {
    const leased: SweepDeps = { ...sweepDeps, assignmentLeaseMs: 120_000 };
    const [runner] = await pair('lease-last');
    const job = await queued(world, 'customerA', { type: 'lease-last' });
    await world.prisma.job.update({ where: { id: job.id }, data: { maxAttempts: 1 } });
    await claim(runner);
    world.clock.advance(121_000);
    await heartbeat(runner);
    expect((await sweepRunners(leased))?.failedJobIds).toEqual([job.id]);
    expect(await jobRow(job.id)).toMatchObject({ status: 'failed', reason: 'runner_lost' });
    expect(await outboxEvents(world.prisma, 'job.failed')).toContainEqual(
      expect.objectContaining({ jobId: job.id, reason: 'runner_lost', runnerId: runner.id, message: expect.stringContaining('never started') }),
    );
  });

  it('skips a pass while another replica’s pass holds the lock', async () => {
    let inner: unknown;
    await world.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(1447253001)`;
      inner = await sweepRunners(sweepDeps);
    });
    expect(inner).toBeNull();
    expect(await sweepRunners(sweepDeps)).not.toBeNull();
  });
});
