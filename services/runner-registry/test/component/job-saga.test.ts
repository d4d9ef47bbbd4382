// The job saga on the real broker (DESIGN.md §4 "Job"; issue 14 acceptance "saga edge cases"): the
// registry's consumers, inbox and relay on this suite's vhost; billing and the reseller service
// simulated by publishing their events. Each verdict applied twice changes nothing the second time.
import { randomUUID } from 'node:crypto';
import type { Envelope, EventData } from '@runfleet/contracts';
import { createWorld, waitFor, type World } from '../support/world';
import { startBroker, type Broker } from '../support/broker';
import { jobBody } from '../support/jobs';

jest.setTimeout(90_000);

let world: World;
let broker: Broker;
const FUNDING = 'runner-registry.holds';

beforeAll(async () => {
  world = await createWorld('registry_saga');
  broker = await startBroker(world, 'registry_saga');
  await world.registerRunner((await world.registrationToken('admin')).token, { jobTypes: ['render'] });
});

afterAll(async () => {
  await broker?.close();
  await world?.close();
});

type Submitted = EventData<'job.submitted'>;

async function submitted(): Promise<Submitted> {
  const res = await world.as('customerA').post('/v1/jobs', jobBody(world, 'customerA'));
  expect(res.status).toBe(201);
  await waitFor(() => broker.observed('job.submitted').some((e) => (e.data as Submitted).jobId === res.body.id), 'job.submitted reaches the broker');
  return broker.observed('job.submitted').find((e) => (e.data as Submitted).jobId === res.body.id)!.data as Submitted;
}

const holdPlaced = (job: Submitted): EventData<'wallet.hold_placed'> => ({
  holdId: randomUUID(),
  walletId: randomUUID(),
  customerId: job.customerId,
  resellerId: job.resellerId,
  amount: job.maxCost,
  currency: job.currency,
  availableAfter: '95.000000',
  reference: { kind: 'job', id: job.jobId },
  expiresAt: null,
});

const holdRejected = (job: Submitted): EventData<'wallet.hold_rejected'> => ({
  walletId: randomUUID(),
  customerId: job.customerId,
  resellerId: job.resellerId,
  amount: job.maxCost,
  currency: job.currency,
  available: '1.000000',
  reference: { kind: 'job', id: job.jobId },
  reason: 'insufficient_funds',
});

const status = async (jobId: string) => (await world.as('customerA').get(`/v1/jobs/${jobId}`)).body as { status: string; reason: string | null; holdId: string | null; updatedAt: string };
const published = (type: string, jobId: string) => broker.observed(type).filter((e) => (e.data as { jobId: string }).jobId === jobId);

async function duplicateSeen(before: number): Promise<void> {
  await waitFor(async () => (await broker.consumed(FUNDING, 'duplicate')) > before, 'the consumer saw the duplicate');
}

describe('billing’s verdict on a job', () => {
  it('hold placed → queued with job.queued; the same event again changes nothing', async () => {
    const job = await submitted();
    const placed = await broker.publishAsBilling('wallet.hold_placed', holdPlaced(job));
    await waitFor(async () => (await status(job.jobId)).status === 'queued', 'the job is queued');
    await waitFor(() => published('job.queued', job.jobId).length === 1, 'job.queued is published');
    const after = await status(job.jobId);
    expect(after.holdId).toBe((placed.data as { holdId: string }).holdId);

    const duplicates = await broker.consumed(FUNDING, 'duplicate');
    await broker.republish(placed);
    await duplicateSeen(duplicates);
    // a second hold for the same job (a new event id) is no verdict either: the job is already decided
    const processed = await broker.consumed(FUNDING, 'processed');
    await broker.publishAsBilling('wallet.hold_placed', holdPlaced(job));
    await waitFor(async () => (await broker.consumed(FUNDING, 'processed')) > processed, 'the second hold was consumed');
    expect(await status(job.jobId)).toEqual(after);
    expect(published('job.queued', job.jobId)).toHaveLength(1);
  });

  it('hold rejected → rejected with billing’s reason and job.rejected', async () => {
    const job = await submitted();
    await broker.publishAsBilling('wallet.hold_rejected', holdRejected(job));
    await waitFor(async () => (await status(job.jobId)).status === 'rejected', 'the job is rejected');
    expect((await status(job.jobId)).reason).toBe('insufficient_funds');
    await waitFor(() => published('job.rejected', job.jobId).length === 1, 'job.rejected is published');
    expect(published('job.rejected', job.jobId)[0]!.data).toMatchObject({ reason: 'insufficient_funds' });
  });

  it('hold placed after the customer cancelled changes nothing: the job stays cancelled and is never queued', async () => {
    const job = await submitted();
    expect((await world.as('customerA').post(`/v1/jobs/${job.jobId}/cancel`)).body.status).toBe('cancelled');
    const before = await status(job.jobId);
    const processed = await broker.consumed(FUNDING, 'processed');
    await broker.publishAsBilling('wallet.hold_placed', holdPlaced(job));
    await waitFor(async () => (await broker.consumed(FUNDING, 'processed')) > processed, 'the hold was consumed');
    expect(await status(job.jobId)).toEqual(before);
    expect(published('job.queued', job.jobId)).toHaveLength(0);
    // billing voids the hold on the job.cancelled the cancel emitted (its queue keeps a job's events in order)
    await waitFor(() => published('job.cancelled', job.jobId).length === 1, 'job.cancelled is published');
  });

  it('hold rejected after the customer cancelled changes nothing', async () => {
    const job = await submitted();
    expect((await world.as('customerA').post(`/v1/jobs/${job.jobId}/cancel`)).body.status).toBe('cancelled');
    const before = await status(job.jobId);
    const processed = await broker.consumed(FUNDING, 'processed');
    await broker.publishAsBilling('wallet.hold_rejected', holdRejected(job));
    await waitFor(async () => (await broker.consumed(FUNDING, 'processed')) > processed, 'the rejection was consumed');
    expect(await status(job.jobId)).toEqual(before);
    expect(published('job.rejected', job.jobId)).toHaveLength(0);
    await waitFor(() => published('job.cancelled', job.jobId).length === 1, 'job.cancelled is published');
    expect(published('job.cancelled', job.jobId)[0]!.data).toMatchObject({ previousStatus: 'pending_funds' });
  });
});

describe('the read model of customers and projects', () => {
  it('a customer and project announced by the reseller service can submit jobs', async () => {
    const customerId = randomUUID();
    const projectId = randomUUID();
    const customer: Envelope = await broker.publishAsReseller('customer.created', { customerId, resellerId: null, email: 'n@example.com', name: 'new', currency: 'CHF' });
    await broker.publishAsReseller('project.created', { projectId, customerId, resellerId: null, name: 'p' });
    await waitFor(async () => (await world.prisma.projectAccount.count({ where: { id: projectId } })) === 1, 'the project is known');
    expect(customer.type).toBe('customer.created');

    const as = world.as({ type: 'customer', id: customerId, resellerId: null, scopes: [] });
    const res = await as.post('/v1/jobs', { projectId, type: 'render', payload: {}, maxCost: { amount: '1', currency: 'CHF' } });
    expect(res.status).toBe(201);
    expect((await as.post('/v1/jobs', { projectId, type: 'render', payload: {}, maxCost: { amount: '1', currency: 'EUR' } })).body.errors).toEqual([
      expect.objectContaining({ field: 'body.maxCost.currency' }),
    ]);

    await broker.publishAsReseller('project.archived', { projectId, customerId, resellerId: null, name: 'p' });
    await waitFor(async () => (await world.prisma.projectAccount.findUnique({ where: { id: projectId } }))?.archived === true, 'the project is archived');
    expect((await as.post('/v1/jobs', { projectId, type: 'render', payload: {}, maxCost: { amount: '1', currency: 'CHF' } })).body.code).toBe('PROJECT_ARCHIVED');
  });
});
