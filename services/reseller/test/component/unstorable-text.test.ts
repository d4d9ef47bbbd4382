// Text PostgreSQL cannot store (a NUL, a lone UTF-16 surrogate) is refused at validation with a
// 400 naming the field, on every input path, and nothing is written (issue 12 defect 1; DESIGN.md §7).
// Before, each of these reached PostgreSQL, failed with 22021 / 22P05 and answered 500.
import request, { type Response } from 'supertest';
import { PRINCIPAL_HEADER, PROBLEM_CONTENT_TYPE } from '@runfleet/contracts';
import { markPaid, placeOrderAs, seedProvider, seedResoldOffering } from '../support/commerce-fixtures';
import { createWorld, signFor, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_unstorable_text');
});

afterAll(async () => {
  await world?.close();
});

function expectRefused(res: Response, field: string): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status: 400, type: expect.stringContaining(PROBLEM_CONTENT_TYPE) });
  expect(res.body.code).toBe('VALIDATION_FAILED');
  expect(res.body.errors).toContainEqual({ field, message: expect.any(String) });
}

describe('a NUL in a body string', () => {
  it('in a project name is refused naming body.name, and no project is written', async () => {
    const before = await world.count('project');
    const res = await world.as('customerA').post('/v1/projects', { name: 'render\u0000farm' });
    expectRefused(res, 'body.name');
    expect(await world.count('project')).toBe(before);
  });

  it('in a customer name or email is refused naming the field, and no customer is written', async () => {
    const before = await world.count('customer');
    expectRefused(await world.as('resellerA').post('/v1/customers', { name: 'Ada\u0000', email: 'ada@example.com' }), 'body.name');
    expectRefused(await world.as('resellerA').post('/v1/customers', { name: 'Ada', email: 'ada\u0000@example.com' }), 'body.email');
    expect(await world.count('customer')).toBe(before);
  });

  it('in a provider name, an offering unit or description is refused naming the field, and nothing is written', async () => {
    const providers = await world.count('provider');
    expectRefused(await world.as('admin').post('/v1/providers', { name: 'Acme\u0000' }), 'body.name');
    expect(await world.count('provider')).toBe(providers);

    const providerId = await seedProvider(world);
    const offerings = await world.count('offering');
    const offering = { name: 'Postgres S', basePrice: '10.00', currency: 'EUR', unit: 'month' };
    expectRefused(await world.as('admin').post(`/v1/providers/${providerId}/offerings`, { ...offering, unit: 'mo\u0000nth' }), 'body.unit');
    expectRefused(await world.as('admin').post(`/v1/providers/${providerId}/offerings`, { ...offering, description: '\u0000' }), 'body.description');
    expect(await world.count('offering')).toBe(offerings);
  });

  it('in an order failure reason is refused naming body.reason, and the order stays paid', async () => {
    const { offeringId } = await seedResoldOffering(world);
    const order = await placeOrderAs(world, 'customerA', offeringId);
    await markPaid(world, order.id as string);

    expectRefused(await world.as('resellerA').post(`/v1/orders/${order.id}/fail`, { reason: 'out of\u0000capacity' }), 'body.reason');
    expect((await world.prisma.resellerOrder.findUniqueOrThrow({ where: { id: order.id as string } })).status).toBe('paid');
  });
});

describe('text PostgreSQL cannot store inside free-form JSON (fulfilment details)', () => {
  let orderId: string;

  beforeAll(async () => {
    const { offeringId } = await seedResoldOffering(world);
    orderId = (await placeOrderAs(world, 'customerA', offeringId)).id as string;
    await markPaid(world, orderId);
  });

  async function expectStillPaid(): Promise<void> {
    const row = await world.prisma.resellerOrder.findUniqueOrThrow({ where: { id: orderId } });
    expect({ status: row.status, details: row.details, externalOrderId: row.externalOrderId }).toEqual({ status: 'paid', details: null, externalOrderId: null });
  }

  it('a NUL in a nested string value is refused naming its path', async () => {
    const res = await world.as('resellerA').post(`/v1/orders/${orderId}/fulfil`, {
      externalOrderId: 'prov-1',
      details: { endpoints: [{ host: 'db\u0000.example' }] },
    });
    expectRefused(res, 'body.details.endpoints.0.host');
    await expectStillPaid();
  });

  it('a NUL in a nested key is refused naming the object that holds it', async () => {
    const res = await world.as('resellerA').post(`/v1/orders/${orderId}/fulfil`, { externalOrderId: 'prov-1', details: { conn: { 'ho\u0000st': 'h' } } });
    expectRefused(res, 'body.details.conn');
    await expectStillPaid();
  });

  it('a lone surrogate (\\ud800, which jsonb refuses) is refused naming its path', async () => {
    // Sent as raw JSON text: the escape must reach the server as written.
    const res = await request(world.app)
      .post(`/v1/orders/${orderId}/fulfil`)
      .set(PRINCIPAL_HEADER, signFor(world.principals.resellerA))
      .set('Content-Type', 'application/json')
      .send('{"externalOrderId":"prov-1","details":{"note":"\\ud800"}}');
    expectRefused(res, 'body.details.note');
    await expectStillPaid();
  });

  it('a NUL in the external order id is refused naming body.externalOrderId', async () => {
    expectRefused(await world.as('resellerA').post(`/v1/orders/${orderId}/fulfil`, { externalOrderId: 'prov\u0000', details: {} }), 'body.externalOrderId');
    await expectStillPaid();
  });
});

describe('a NUL in the query string or path', () => {
  it('in q= of a list is refused naming query.q', async () => {
    expectRefused(await world.as('customerA').get('/v1/projects?q=%00'), 'query.q');
    expectRefused(await world.as('resellerA').get('/v1/customers?q=a%00b'), 'query.q');
    expectRefused(await world.as('customerA').get('/v1/marketplace/offerings?q=%00'), 'query.q');
  });

  it('in the audit log action= filter is refused naming query.action', async () => {
    expectRefused(await world.as('admin').get('/v1/audit-events?action=apikey.%00'), 'query.action');
    expectRefused(await world.as('admin').get('/v1/audit-events?targetId=%00'), 'query.targetId');
  });

  it('in a path parameter is refused naming it', async () => {
    expectRefused(await world.as('customerA').get('/v1/projects/%00'), 'params.projectId');
    expectRefused(await world.as('resellerA').patch('/v1/customers/a%00b', { name: 'x' }), 'params.customerId');
  });
});
