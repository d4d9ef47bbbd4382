// Fail fast in its other mode (DESIGN.md §10, issue 14 acceptance): with NO_COMPATIBLE_RUNNER=queue
// a job no online runner could take is accepted, and fails with no_compatible_runner once it has
// waited the maximum queue time; a job some runner could take is left to wait.
import { sweepRunners, type SweepDeps } from '../../src/domain/sweep-runners';
import { createWorld, outboxEvents, type World } from '../support/world';
import { queued } from '../support/jobs';

jest.setTimeout(60_000);

let world: World;
let sweepDeps: SweepDeps;

beforeAll(async () => {
  world = await createWorld('registry_fail_fast_queue', { jobPolicy: { maxAttempts: 3, defaultTimeoutSeconds: 3600, noCompatibleRunner: 'queue' } });
  sweepDeps = {
    prisma: world.prisma,
    now: world.clock.now,
    heartbeats: world.heartbeats,
    queuedJobs: world.queuedJobs,
    liveness: { intervalMs: 3_600_000, staleAfterMissed: 2, offlineAfterMissed: 5 },
    maxQueueMs: 60_000,
  };
  await world.registerRunner((await world.registrationToken('admin')).token, { jobTypes: ['render'] });
});

afterAll(async () => {
  await world?.close();
});

it('accepts a job no runner supports, then fails it with no_compatible_runner after the maximum queue time', async () => {
  const stranded = await queued(world, 'customerA', { type: 'quantum' });
  const waiting = await queued(world, 'customerA', { type: 'render' });
  expect(stranded.status).toBe('pending_funds');

  world.clock.advance(30_000);
  await sweepRunners(sweepDeps);
  expect((await world.as('customerA').get(`/v1/jobs/${stranded.id}`)).body.status).toBe('queued');

  world.clock.advance(31_000);
  const swept = await sweepRunners(sweepDeps);
  expect(swept?.strandedJobIds).toEqual([stranded.id]);
  expect((await world.as('customerA').get(`/v1/jobs/${stranded.id}`)).body).toMatchObject({ status: 'failed', reason: 'no_compatible_runner' });
  expect(await outboxEvents(world.prisma, 'job.failed')).toContainEqual(expect.objectContaining({ jobId: stranded.id, reason: 'no_compatible_runner', runnerId: null, attempt: 0 }));
  expect((await world.as('customerA').get(`/v1/jobs/${waiting.id}`)).body.status).toBe('queued');
});
