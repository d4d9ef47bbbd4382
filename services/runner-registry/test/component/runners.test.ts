// Managing runners (issue 14 item 2): who sees and changes which runners, discovery filters, drain,
// activate, disable (its token stops verifying; runner.revoked), delete.
import { createWorld, GATEWAY, outboxEvents, type RegisteredRunner, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;
let shared: RegisteredRunner;
let ofA: RegisteredRunner;
let ofB: RegisteredRunner;

beforeAll(async () => {
  world = await createWorld('registry_runners');
  const sharedToken = await world.registrationToken('admin');
  shared = await world.registerRunner(sharedToken.token, { name: 'shared-gpu', jobTypes: ['render', 'encode'], labels: { gpu: 'a100', region: 'eu' } });
  ofA = await world.registerRunner((await world.registrationToken('customerA')).token, { name: 'a-cpu', jobTypes: ['encode'], labels: { region: 'us' } });
  ofB = await world.registerRunner((await world.registrationToken('customerB')).token, { name: 'b-gpu', jobTypes: ['render'], labels: { gpu: 'a100' } });
});

afterAll(async () => {
  await world?.close();
});

const names = (body: { items: { name: string }[] }) => body.items.map((r) => r.name).sort();

describe('listing and discovery', () => {
  it('an admin sees every runner; a customer its own; a reseller its customers’', async () => {
    expect(names((await world.as('admin').get('/v1/runners')).body)).toEqual(['a-cpu', 'b-gpu', 'shared-gpu']);
    expect(names((await world.as('customerA').get('/v1/runners')).body)).toEqual(['a-cpu']);
    expect(names((await world.as('resellerB').get('/v1/runners')).body)).toEqual(['b-gpu']);
    expect(names((await world.as('direct').get('/v1/runners')).body)).toEqual([]);
  });

  it('reading one runner: its customer, that customer’s reseller and admins see it; any other customer or reseller gets 404', async () => {
    const matrix: [string, { id: string }, Record<string, number>][] = [
      ['a-cpu', ofA, { admin: 200, customerA: 200, resellerA: 200, customerB: 404, resellerB: 404, direct: 404 }],
      ['b-gpu', ofB, { admin: 200, customerB: 200, resellerB: 200, customerA: 404, resellerA: 404, direct: 404 }],
      // a shared runner belongs to the platform: only admins manage it
      ['shared-gpu', shared, { admin: 200, customerA: 404, resellerA: 404, direct: 404 }],
    ];
    for (const [name, runner, expected] of matrix) {
      for (const [actor, status] of Object.entries(expected)) {
        const res = await world.as(actor as 'admin').get(`/v1/runners/${runner.id}`);
        expect({ name, actor, status: res.status }).toEqual({ name, actor, status });
      }
    }
  });

  it('another customer can neither drain, disable nor delete a runner (404), and it stays as it was', async () => {
    for (const action of ['drain', 'disable']) {
      const res = await world.as('customerB').post(`/v1/runners/${ofA.id}/${action}`);
      expect({ action, status: res.status }).toEqual({ action, status: 404 });
    }
    expect((await world.as('customerB').delete(`/v1/runners/${ofA.id}`)).status).toBe(404);
    expect((await world.as('resellerB').post(`/v1/runners/${ofA.id}/disable`)).status).not.toBe(200);
    expect((await world.as('customerA').get(`/v1/runners/${ofA.id}`)).body.status).toBe('active');
    expect((await world.as(ofA.principal).get('/v1/runners/me')).status).toBe(200);
  });

  it('filters by job type, labels and status', async () => {
    expect(names((await world.as('admin').get('/v1/runners?jobType=render')).body)).toEqual(['b-gpu', 'shared-gpu']);
    expect(names((await world.as('admin').get('/v1/runners?jobType=render&label=region=eu')).body)).toEqual(['shared-gpu']);
    expect(names((await world.as('admin').get('/v1/runners?label=gpu=a100&label=region=eu')).body)).toEqual(['shared-gpu']);
    expect(names((await world.as('admin').get('/v1/runners?jobType=render&status=draining')).body)).toEqual([]);
    const bad = await world.as('admin').get('/v1/runners?label=nolabel&status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['query.label', 'query.status']);
  });

  it('pages with a cursor', async () => {
    const first = await world.as('admin').get('/v1/runners?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await world.as('admin').get(`/v1/runners?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('changing runners', () => {
  it("a customer changes its own runner's labels and capacity; not another customer's (404); a reseller may not (403)", async () => {
    const res = await world.as('customerA').patch(`/v1/runners/${ofA.id}`, { labels: { region: 'eu' }, capacity: 5 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ labels: { region: 'eu' }, capacity: 5 });
    expect((await world.as('customerB').patch(`/v1/runners/${ofA.id}`, { capacity: 1 })).status).toBe(404);
    expect((await world.as('resellerA').patch(`/v1/runners/${ofA.id}`, { capacity: 1 })).status).toBe(403);
    expect((await world.as('customerA').patch(`/v1/runners/${shared.id}`, { capacity: 1 })).status).toBe(404);
    const bad = await world.as('customerA').patch(`/v1/runners/${ofA.id}`, { capacity: -1 });
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'body.capacity' })]);
  });

  it('drain, then activate', async () => {
    expect((await world.as('customerB').post(`/v1/runners/${ofB.id}/drain`)).body.status).toBe('draining');
    const claim = await world.as(ofB.principal).post('/v1/runners/me/jobs/claim', { waitSeconds: 0 });
    expect(claim.status).toBe(409);
    expect(claim.body.code).toBe('RUNNER_NOT_ACTIVE');
    expect((await world.as('customerB').post(`/v1/runners/${ofB.id}/activate`)).body.status).toBe('active');
  });

  it('disable: the token no longer verifies, runner.revoked names it for the gateway, the runner’s own calls get 401', async () => {
    const extra = await world.registerRunner((await world.registrationToken('admin')).token, { name: 'to-disable' });
    const res = await world.as('admin').post(`/v1/runners/${extra.id}/disable`);
    expect(res.body.status).toBe('disabled');
    expect((await world.as(GATEWAY).post('/internal/runner-tokens/verify', { key: extra.token })).status).toBe(401);
    expect(await outboxEvents(world.prisma, 'runner.revoked')).toContainEqual({ runnerId: extra.id, keyId: extra.id, name: 'to-disable', reason: 'disabled' });
    expect((await world.as(extra.principal).get('/v1/runners/me')).status).toBe(401);
    expect((await world.as(extra.principal).post('/v1/runners/me/jobs/claim', { waitSeconds: 0 })).status).toBe(401);
  });

  it('delete: gone for everyone (its heartbeats too), runner.revoked', async () => {
    const extra = await world.registerRunner((await world.registrationToken('direct')).token, { name: 'to-delete' });
    await world.as(extra.principal).post('/v1/runners/me/heartbeat', {});
    expect((await world.heartbeats.lastSeen()).has(extra.id)).toBe(true);
    expect((await world.as('customerA').delete(`/v1/runners/${extra.id}`)).status).toBe(404);
    expect((await world.as('direct').delete(`/v1/runners/${extra.id}`)).status).toBe(204);
    expect((await world.as('admin').get(`/v1/runners/${extra.id}`)).status).toBe(404);
    expect((await world.heartbeats.lastSeen()).has(extra.id)).toBe(false);
    expect((await world.as(GATEWAY).post('/internal/runner-tokens/verify', { key: extra.token })).status).toBe(401);
    expect(await outboxEvents(world.prisma, 'runner.revoked')).toContainEqual({ runnerId: extra.id, keyId: extra.id, name: 'to-delete', reason: 'deleted' });
  });

  it('a runner principal may not use the management routes', async () => {
    expect((await world.as(shared.principal).get('/v1/runners')).status).toBe(403);
    expect((await world.as(shared.principal).post(`/v1/runners/${shared.id}/drain`)).status).toBe(403);
  });
});
