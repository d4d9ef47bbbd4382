// Submitting, reading and cancelling jobs (issue 14 item 4): pending_funds + job.submitted in one
// transaction; the project/customer read model; fail fast with no_compatible_runner; bad input
// names the field and writes nothing; who sees and cancels which jobs.
import { randomUUID } from 'node:crypto';
import { createWorld, outboxEvents, type World } from '../support/world';
import { jobBody, queued, submit } from '../support/jobs';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('registry_jobs');
  await world.registerRunner((await world.registrationToken('admin')).token, { name: 'shared', jobTypes: ['render'], labels: { gpu: 'a100' } });
  await world.registerRunner((await world.registrationToken('customerB')).token, { name: 'b-only', jobTypes: ['b-type'] });
});

afterAll(async () => {
  await world?.close();
});

async function nothingWritten<T>(run: () => Promise<T>): Promise<T> {
  const before = { jobs: await world.count('job'), events: await world.count('outbox_event') };
  const result = await run();
  expect({ jobs: await world.count('job'), events: await world.count('outbox_event') }).toEqual(before);
  return result;
}

describe('submitting a job', () => {
  it('stores it pending_funds and emits job.submitted with the max cost in micro-exact decimals', async () => {
    const res = await world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA', { requiredLabels: { gpu: 'a100' }, priority: 5, maxCost: { amount: '12.5', currency: 'EUR' } }));

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending_funds', attempt: 0, priority: 5, maxCost: { amount: '12.500000', currency: 'EUR' }, resellerId: world.ids.resellerA });
    expect(await outboxEvents(world.prisma, 'job.submitted')).toContainEqual({
      jobId: res.body.id,
      projectId: world.projects.customerA,
      customerId: world.ids.customerA,
      resellerId: world.ids.resellerA,
      type: 'render',
      priority: 5,
      maxCost: '12.500000',
      currency: 'EUR',
    });
  });

  it('fails fast with no_compatible_runner when no online runner supports the type or labels, and writes nothing', async () => {
    const unknownType = await nothingWritten(() => world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA', { type: 'quantum' })));
    expect(unknownType.status).toBe(422);
    expect(unknownType.body).toMatchObject({ code: 'JOB_NO_COMPATIBLE_RUNNER', errors: [{ field: 'body.type' }] });
    expect(unknownType.body.detail).toContain('no_compatible_runner');

    const missingLabel = await world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA', { requiredLabels: { gpu: 'h100' } }));
    expect(missingLabel.body.code).toBe('JOB_NO_COMPATIBLE_RUNNER');
    // customer B's own runner runs only B's jobs
    expect((await world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA', { type: 'b-type' }))).body.code).toBe('JOB_NO_COMPATIBLE_RUNNER');
    expect((await world.as('customerB').post('/v1/jobs', jobBody(world, 'customerB', { type: 'b-type' }))).status).toBe(201);
  });

  it('a runner of the type that is offline, draining or disabled does not count: no_compatible_runner until one is active or stale again', async () => {
    const runner = await world.registerRunner((await world.registrationToken('admin')).token, { name: 'sleepy', jobTypes: ['sleepy-type'] });
    for (const status of ['offline', 'draining', 'disabled']) {
      await world.prisma.runner.update({ where: { id: runner.id }, data: { status } });
      const res = await nothingWritten(() => world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA', { type: 'sleepy-type' })));
      expect({ status, code: res.body.code }).toEqual({ status, code: 'JOB_NO_COMPATIBLE_RUNNER' });
    }
    // stale is still online (silent a little while, perhaps through an outage): the job waits for it
    for (const status of ['stale', 'active']) {
      await world.prisma.runner.update({ where: { id: runner.id }, data: { status } });
      expect({ status, code: (await world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA', { type: 'sleepy-type' }))).status }).toEqual({ status, code: 201 });
    }
  });

  it('once per Idempotency-Key: a retry gets the first job back (one job, one job.submitted), another body with the key is 422', async () => {
    const key = `retry-${randomUUID()}`;
    const body = jobBody(world, 'customerA', { priority: 3 });
    const first = await world.as('customerA').post('/v1/jobs', body).set('idempotency-key', key);
    expect(first.status).toBe(201);
    const retried = await nothingWritten(() => world.as('customerA').post('/v1/jobs', body).set('idempotency-key', key));
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(first.body);
    expect((await outboxEvents(world.prisma, 'job.submitted')).filter((e) => e.jobId === first.body.id)).toHaveLength(1);

    const reused = await nothingWritten(() => world.as('customerA').post('/v1/jobs', { ...body, priority: 4 }).set('idempotency-key', key));
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'header.idempotency-key' }] });
    // keys are the caller's own: another customer's same key is another job
    const other = await world.as('customerB').post('/v1/jobs', jobBody(world, 'customerB', { type: 'b-type' })).set('idempotency-key', key);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('concurrent submits with one Idempotency-Key make one job', async () => {
    const key = `race-${randomUUID()}`;
    const body = jobBody(world, 'customerA');
    const answers = await Promise.all(Array.from({ length: 5 }, () => world.as('customerA').post('/v1/jobs', body).set('idempotency-key', key)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await outboxEvents(world.prisma, 'job.submitted')).filter((e) => e.jobId === answers[0]!.body.id)).toHaveLength(1);
  });

  it('without an Idempotency-Key is 400 naming the header, and writes nothing', async () => {
    const res = await nothingWritten(() => world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA')).unset('idempotency-key'));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_MISSING', errors: [{ field: 'header.idempotency-key' }] });
  });

  it('bad input gets 400 problem+json naming each field and writes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ payload: { blob: 'x'.repeat(70 * 1024) } }, 'body.payload'],
      [{ maxCost: { amount: '-1.00', currency: 'EUR' } }, 'body.maxCost.amount'],
      [{ maxCost: { amount: '0', currency: 'EUR' } }, 'body.maxCost.amount'],
      [{ maxCost: { amount: '1.1234567', currency: 'EUR' } }, 'body.maxCost.amount'],
      [{ maxCost: { amount: '5.00', currency: 'USD' } }, 'body.maxCost.currency'],
      [{ maxCost: { amount: '5.00', currency: 'eur' } }, 'body.maxCost.currency'],
      [{ type: 'Bad Type' }, 'body.type'],
      [{ projectId: 'nope' }, 'body.projectId'],
      [{ payload: 'not an object' }, 'body.payload'],
      [{ priority: 1.5 }, 'body.priority'],
      [{ surprise: true }, 'body.surprise'],
    ];
    for (const [overrides, field] of cases) {
      const res = await nothingWritten(() => world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA', overrides)));
      expect({ field, status: res.status, type: res.headers['content-type'] }).toEqual({ field, status: 400, type: expect.stringMatching(/application\/problem\+json/) });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('a payload of exactly 64 KB is accepted', async () => {
    const filler = 'x'.repeat(64 * 1024 - JSON.stringify({ blob: '' }).length);
    expect((await world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA', { payload: { blob: filler } }))).status).toBe(201);
  });

  it("runs only in the caller's own active project of an active customer", async () => {
    const foreign = await nothingWritten(() => world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA', { projectId: world.projects.customerB })));
    expect(foreign.status).toBe(404);
    expect((await world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA', { projectId: randomUUID() }))).status).toBe(404);

    const archived = randomUUID();
    await world.applyAccount({ type: 'project.created', occurredAt: new Date().toISOString(), data: { projectId: archived, customerId: world.ids.direct, resellerId: null, name: 'old' } });
    await world.applyAccount({ type: 'project.archived', occurredAt: new Date().toISOString(), data: { projectId: archived, customerId: world.ids.direct, resellerId: null, name: 'old' } });
    expect((await world.as('direct').post('/v1/jobs', jobBody(world, 'direct', { projectId: archived }))).body.code).toBe('PROJECT_ARCHIVED');

    await world.applyAccount({
      type: 'customer.updated',
      occurredAt: new Date(Date.now() + 1000).toISOString(),
      data: { customerId: world.ids.direct, resellerId: null, email: 'd@example.com', name: 'direct', active: false, changedFields: ['active'] },
    });
    expect((await world.as('direct').post('/v1/jobs', jobBody(world, 'direct'))).body.code).toBe('CUSTOMER_INACTIVE');
    // an older update arriving late changes nothing
    await world.applyAccount({
      type: 'customer.updated',
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      data: { customerId: world.ids.direct, resellerId: null, email: 'd@example.com', name: 'direct', active: true, changedFields: ['active'] },
    });
    expect((await world.as('direct').post('/v1/jobs', jobBody(world, 'direct'))).body.code).toBe('CUSTOMER_INACTIVE');
  });

  it('only customers submit', async () => {
    expect((await world.as('admin').post('/v1/jobs', jobBody(world, 'customerA'))).status).toBe(403);
    expect((await world.as('resellerA').post('/v1/jobs', jobBody(world, 'customerA'))).status).toBe(403);
  });
});

describe('reading and cancelling jobs', () => {
  it("a customer sees only its own jobs, a reseller its customers', an admin all", async () => {
    const a = await submit(world, 'customerA');
    const b = await submit(world, 'customerB', { type: 'b-type' });

    expect((await world.as('customerA').get(`/v1/jobs/${a.id}`)).status).toBe(200);
    expect((await world.as('customerA').get(`/v1/jobs/${b.id}`)).status).toBe(404);
    expect((await world.as('resellerA').get(`/v1/jobs/${a.id}`)).status).toBe(200);
    expect((await world.as('resellerA').get(`/v1/jobs/${b.id}`)).status).toBe(404);
    expect((await world.as('admin').get(`/v1/jobs/${b.id}`)).status).toBe(200);
    const listA = (await world.as('customerA').get('/v1/jobs?limit=100')).body.items as { customerId: string }[];
    expect(listA.length).toBeGreaterThan(0);
    expect(listA.every((j) => j.customerId === world.ids.customerA)).toBe(true);
    const listResellerB = (await world.as('resellerB').get('/v1/jobs?limit=100')).body.items as { customerId: string }[];
    expect(listResellerB.every((j) => j.customerId === world.ids.customerB)).toBe(true);
  });

  it('filters by status, project and type, and pages with a cursor', async () => {
    await submit(world, 'customerB', { type: 'b-type' });
    await submit(world, 'customerB', { type: 'b-type' });
    const byType = await world.as('customerB').get('/v1/jobs?type=b-type&status=pending_funds&limit=1');
    expect(byType.body.items).toHaveLength(1);
    expect(byType.body.nextCursor).not.toBeNull();
    const next = await world.as('customerB').get(`/v1/jobs?type=b-type&status=pending_funds&limit=1&cursor=${byType.body.nextCursor}`);
    expect(next.body.items[0].id).not.toBe(byType.body.items[0].id);
    expect((await world.as('customerB').get(`/v1/jobs?projectId=${world.projects.customerA}`)).body.items).toEqual([]);
    expect((await world.as('customerB').get('/v1/jobs?status=lost')).status).toBe(400);
    // by customer, within what the caller sees (the gateway's customer overview reads it so)
    const ofB = (await world.as('admin').get(`/v1/jobs?customerId=${world.ids.customerB}&limit=100`)).body.items as { customerId: string }[];
    expect(ofB.length).toBeGreaterThanOrEqual(2);
    expect(ofB.every((j) => j.customerId === world.ids.customerB)).toBe(true);
    expect((await world.as('resellerA').get(`/v1/jobs?customerId=${world.ids.customerB}`)).body.items).toEqual([]);
    expect((await world.as('admin').get('/v1/jobs?customerId=nope')).status).toBe(400);
  });

  it("a customer cancels its queued job (job.cancelled); not another customer's; not twice", async () => {
    const job = await queued(world, 'customerA');
    expect((await world.as('customerB').post(`/v1/jobs/${job.id}/cancel`)).status).toBe(404);
    const res = await world.as('customerA').post(`/v1/jobs/${job.id}/cancel`);
    expect(res.body).toMatchObject({ status: 'cancelled', cancelledBy: 'customer' });
    expect(await outboxEvents(world.prisma, 'job.cancelled')).toContainEqual(
      expect.objectContaining({ jobId: job.id, previousStatus: 'queued', runnerId: null, cancelledBy: 'customer' }),
    );
    const again = await world.as('customerA').post(`/v1/jobs/${job.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/^The job is cancelled/);
  });
});
