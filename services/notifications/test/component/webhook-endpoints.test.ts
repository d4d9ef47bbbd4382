// /v1/webhook-endpoints and the authorization of everything webhook (issue 17 items 1, 3 and the
// "Authorization" acceptance): create with a secret shown once and sealed at rest, validation that
// names the field and writes nothing, rotation, and no account reading another's endpoints,
// deliveries or secrets — nor a secret reaching the logs.
import { createWorld, ownerOfActor, type World } from '../support/webhook-world';

let world: World;

beforeAll(async () => {
  world = await createWorld('notif_endpoints', { allowInsecureLoopback: false });
});

afterAll(async () => {
  await world?.close();
});

const valid = { url: 'https://hooks.example.com/runfleet', eventTypes: ['job.*'], description: 'prod' };

describe('creating an endpoint', () => {
  it('returns a whsec_ secret once, keeps it only sealed, and never shows it again', async () => {
    const created = await world.as('customerA').post('/v1/webhook-endpoints', valid);

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...valid, enabled: true, accountType: 'customer', accountId: ownerOfActor('customerA').accountId });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const row = await world.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(JSON.stringify(row)).not.toContain(created.body.secret.slice('whsec_'.length));
    expect(world.deps.cipher.open(row.secretSealed, row.id)).toBe(created.body.secret);
    const read = await world.as('customerA').get(`/v1/webhook-endpoints/${created.body.id}`);
    const list = await world.as('customerA').get('/v1/webhook-endpoints');
    expect(read.body.secret).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
  });

  it.each([
    ['url', { url: 'http://hooks.example.com/x' }, 'must use https'],
    ['url', { url: 'http://127.0.0.1:9000/x' }, 'must use https'],
    ['url', { url: 'https://10.0.0.1/x' }, 'private'],
    ['url', { url: 'https://169.254.169.254/latest' }, 'metadata'],
    ['url', { url: 'https://[::1]/x' }, 'loopback'],
    ['url', { url: 'https://2130706433/x' }, 'loopback'],
    ['url', { url: 'https://user:pw@hooks.example.com/x' }, 'credentials'],
    ['url', { url: 'not a url' }, 'not a URL'],
    ['eventTypes', { eventTypes: [] }, ''],
    ['eventTypes.0', { eventTypes: ['job.*.x'] }, ''],
    ['description', { description: 'x'.repeat(501) }, ''],
  ])('refuses a bad %s with 400 naming it, writing nothing', async (field, change, message) => {
    const before = await world.prisma.webhookEndpoint.count();

    const res = await world.as('customerA').post('/v1/webhook-endpoints', { ...valid, ...change });

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toContainEqual({ field: `body.${field}`, message: expect.stringContaining(message) });
    expect(await world.prisma.webhookEndpoint.count()).toBe(before);
  });

  it('lets a reseller own endpoints too, listed apart from its customers’', async () => {
    const mine = await world.as('resellerA').post('/v1/webhook-endpoints', valid);
    const list = await world.as('resellerA').get('/v1/webhook-endpoints');

    expect(mine.status).toBe(201);
    expect(mine.body.accountType).toBe('reseller');
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([mine.body.id]);
  });

  it('pages the list with a cursor, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await world.as('customerB').post('/v1/webhook-endpoints', valid)).body.id);

    const first = await world.as('customerB').get('/v1/webhook-endpoints?limit=2');
    const second = await world.as('customerB').get(`/v1/webhook-endpoints?limit=2&cursor=${first.body.nextCursor}`);

    expect([...first.body.items, ...second.body.items].map((e: { id: string }) => e.id)).toEqual(ids.reverse());
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('changing an endpoint', () => {
  it('updates its filter and description, disables and re-enables it', async () => {
    const { body } = await world.as('customerA').post('/v1/webhook-endpoints', valid);

    const changed = await world.as('customerA').patch(`/v1/webhook-endpoints/${body.id}`, { eventTypes: ['*'], description: 'all' });
    const disabled = await world.as('customerA').patch(`/v1/webhook-endpoints/${body.id}`, { enabled: false });
    const enabled = await world.as('customerA').patch(`/v1/webhook-endpoints/${body.id}`, { enabled: true });

    expect(changed.body).toMatchObject({ eventTypes: ['*'], description: 'all' });
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'owner' });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null });
  });

  it('rotates the secret: a new one returned once, the old one still valid until previousSecretExpiresAt', async () => {
    const { body } = await world.as('customerA').post('/v1/webhook-endpoints', valid);

    const rotated = await world.as('customerA').post(`/v1/webhook-endpoints/${body.id}/rotate-secret`);

    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(body.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(50_000);
    const row = await world.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: body.id } });
    expect(world.deps.cipher.open(row.previousSecretSealed!, body.id)).toBe(body.secret);
  });

  it('deletes it', async () => {
    const { body } = await world.as('customerA').post('/v1/webhook-endpoints', valid);

    expect((await world.as('customerA').delete(`/v1/webhook-endpoints/${body.id}`)).status).toBe(204);
    expect((await world.as('customerA').get(`/v1/webhook-endpoints/${body.id}`)).status).toBe(404);
  });
});

describe('authorization', () => {
  it("gives another account 404 on every endpoint and delivery route of someone else's, and admins 403", async () => {
    const { body: endpoint } = await world.as('customerA').post('/v1/webhook-endpoints', valid);
    await world.notify({ recipient: ownerOfActor('customerA') });
    const [delivery] = await world.prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    const e = `/v1/webhook-endpoints/${endpoint.id}`;
    const d = `/v1/webhook-deliveries/${delivery!.id}`;

    for (const stranger of ['customerB', 'resellerA'] as const) {
      const as = world.as(stranger);
      const answers = [
        await as.get(e),
        await as.patch(e, { enabled: false }),
        await as.post(`${e}/rotate-secret`),
        await as.post(`${e}/test`),
        await as.delete(e),
        await as.get(d),
        await as.post(`${d}/replay`),
        await as.post('/v1/webhook-deliveries/replay', { endpointId: endpoint.id, since: '2020-01-01T00:00:00Z' }),
      ];
      expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404, 404, 404]);
      const lists = [await as.get('/v1/webhook-endpoints'), await as.get(`/v1/webhook-deliveries?endpointId=${endpoint.id}`)];
      for (const list of lists) expect(JSON.stringify(list.body)).not.toContain(endpoint.id);
    }
    expect((await world.as('admin').get('/v1/webhook-endpoints')).status).toBe(403);
    expect((await world.as('admin').get(e)).status).toBe(403);
    const untouched = await world.as('customerA').get(e);
    expect(untouched.body).toMatchObject({ enabled: true, previousSecretExpiresAt: null });
  });

  it('writes no secret to the logs', async () => {
    const created = await world.as('customerA').post('/v1/webhook-endpoints', valid);
    const rotated = await world.as('customerA').post(`/v1/webhook-endpoints/${created.body.id}/rotate-secret`);

    const logs = world.logLines.join('\n');
    expect(world.logLines.length).toBeGreaterThan(0);
    for (const secret of [created.body.secret, rotated.body.secret]) {
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(secret.slice('whsec_'.length));
    }
  });
});
