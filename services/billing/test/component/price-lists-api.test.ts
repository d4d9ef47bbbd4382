// /v1/price-lists (issue 15 item 4): admins set and retire prices as new versions, the history
// stays, everyone reads what is in force; bad prices are 400 naming the field.
import { createWorld, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('billing_price_lists_api');
});

afterAll(async () => {
  await world?.close();
});

describe('price lists', () => {
  it('an admin sets a price twice and retires it: three versions in the history, none in force', async () => {
    const admin = world.as('admin');
    const v1 = await admin.post('/v1/price-lists', { jobType: 'encode', unit: 'GB', unitPrice: '0.5', currency: 'EUR' });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ jobType: 'encode', unit: 'GB', unitPrice: '0.500000', currency: 'EUR', retired: false });
    world.clock.advance(1_000);
    await admin.post('/v1/price-lists', { jobType: 'encode', unit: 'GB', unitPrice: '0.75', currency: 'EUR' });
    const inForce = await world.as('customerA').get('/v1/price-lists');
    expect(inForce.body.items).toEqual([expect.objectContaining({ jobType: 'encode', unitPrice: '0.750000' })]);

    world.clock.advance(1_000);
    const retired = await admin.delete('/v1/price-lists/encode?currency=EUR');
    expect(retired.status).toBe(200);
    expect((await world.as('customerA').get('/v1/price-lists')).body.items).toEqual([]);
    const history = await world.as('resellerA').get('/v1/price-lists/encode/versions');
    expect(history.body.items.map((v: { unitPrice: string; retired: boolean }) => [v.unitPrice, v.retired])).toEqual([
      ['0.750000', true],
      ['0.750000', false],
      ['0.500000', false],
    ]);
  });

  it('only admins change prices', async () => {
    for (const actor of ['resellerA', 'customerA'] as const) {
      expect((await world.as(actor).post('/v1/price-lists', { jobType: 'x', unit: 'run', unitPrice: '1', currency: 'EUR' })).status).toBe(403);
      expect((await world.as(actor).delete('/v1/price-lists/x?currency=EUR')).status).toBe(403);
    }
    expect(await world.count('price_list')).toBe(3);
  });

  it.each([
    ['a negative price', 'body.unitPrice', { jobType: 'x', unit: 'run', unitPrice: '-1', currency: 'EUR' }],
    ['an over-precise price', 'body.unitPrice', { jobType: 'x', unit: 'run', unitPrice: '0.0000001', currency: 'EUR' }],
    ['an unknown unit', 'body.unit', { jobType: 'x', unit: 'hour', unitPrice: '1', currency: 'EUR' }],
    ['an unknown currency', 'body.currency', { jobType: 'x', unit: 'run', unitPrice: '1', currency: 'QQQ' }],
  ])('%s is 400 naming %s', async (_label, field, body) => {
    const res = await world.as('admin').post('/v1/price-lists', body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await world.count('price_list')).toBe(3);
  });
});
