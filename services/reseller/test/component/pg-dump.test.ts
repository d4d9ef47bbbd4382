// Issue 4 acceptance: raw keys exist only in creation responses — a pg_dump of the database holds
// none of them (nor their secrets), and a revoked key fails verification at once.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createWorld, GATEWAY, type World } from '../support/world';

const run = promisify(execFile);
const PG_DUMP = process.env.PG_DUMP ?? '/usr/bin/pg_dump';

let world: World;

beforeAll(async () => {
  world = await createWorld('reseller_pgdump');
});

afterAll(async () => {
  await world?.close();
});

it('a data dump holds none of the raw keys or secrets created, rotated or revoked', async () => {
  const raw: string[] = [];
  const keep = (res: { status: number; body: { key: string; id: string } }) => {
    expect(res.status).toBe(201);
    raw.push(res.body.key);
    return res.body;
  };
  keep(await world.as('admin').post('/v1/api-keys', { name: 'admin' }));
  keep(await world.as('resellerA').post('/v1/api-keys', { name: 'reseller', scopes: ['jobs:read'] }));
  const customer = keep(await world.as('customerA').post('/v1/api-keys', { name: 'customer', allowedIps: ['10.0.0.0/8'] }));
  const direct = keep(await world.as('direct').post('/v1/api-keys', { name: 'direct' }));
  keep(await world.as('customerA').post(`/v1/api-keys/${customer.id}/rotate`, { graceSeconds: 300 }));
  await world.as('direct').post(`/v1/api-keys/${direct.id}/revoke`);
  expect(raw).toHaveLength(5);

  const { stdout: dump } = await run(PG_DUMP, ['--data-only', world.db.url], { maxBuffer: 64 * 1024 * 1024 });

  expect(dump).toContain('COPY public.api_key');
  expect(dump).toContain(customer.id); // the dump does hold the keys' rows…
  for (const key of raw) {
    const secret = key.slice('rf_sk_'.length + 13);
    expect(dump).not.toContain(key); // …but neither the keys
    expect(dump).not.toContain(secret); // nor their secrets
  }
});

it('a revoked key fails verification on the very next call', async () => {
  const created = await world.as('customerB').post('/v1/api-keys', { name: 'short-lived' });
  const verify = () => world.as(GATEWAY).post('/internal/api-keys/verify', { key: created.body.key });
  expect((await verify()).status).toBe(200);

  await world.as('customerB').post(`/v1/api-keys/${created.body.id}/revoke`);

  expect((await verify()).status).toBe(401);
});
