// The dispatcher's claim (issue 17 item 2, "no head-of-line blocking"): one endpoint's large,
// older backlog cannot fill a claim — each endpoint with due deliveries gets up to its free slots,
// an endpoint at its limit gets none, and rows already claimed (leased) are not claimed twice.
import { randomUUID } from 'node:crypto';
import { pgExecutor } from '@runfleet/messaging';
import { claimDue } from '../../src/data/dispatch.repository';
import { createWorld, type World } from '../support/webhook-world';

let world: World;

beforeAll(async () => {
  world = await createWorld('notif_claim');
});

afterAll(async () => {
  await world?.close();
});

async function endpointWith(deliveries: number, ageMs: number): Promise<string> {
  const id = randomUUID();
  await world.database.pool.query(
    `INSERT INTO "webhook_endpoint" (id, account_type, account_id, url, event_types, secret_sealed) VALUES ($1, 'customer', gen_random_uuid(), 'https://hooks.example.com', ARRAY['*'], 'sealed')`,
    [id],
  );
  await world.database.pool.query(
    `INSERT INTO "webhook_delivery" (id, endpoint_id, message_id, event_type, body, next_attempt_at)
     SELECT gen_random_uuid(), $1, 'msg_' || i, 'job.completed', '{}', now() - make_interval(secs => $3::float8 / 1000) FROM generate_series(1, $2) AS i`,
    [id, deliveries, ageMs],
  );
  return id;
}

it('gives every endpoint with due deliveries its share, however large and old one backlog is', async () => {
  const flooded = await endpointWith(2_000, 60_000);
  const others = await Promise.all(Array.from({ length: 10 }, () => endpointWith(3, 1_000)));
  const atLimit = await endpointWith(5, 1_000);
  const sql = pgExecutor(world.database.pool);

  const claimed = await claimDue(sql, { now: new Date(), leaseMs: 30_000, limit: 64, perEndpointLimit: 4, inFlight: new Map([[atLimit, 4]]) });

  const perEndpoint = new Map<string, number>();
  for (const d of claimed) perEndpoint.set(d.endpointId, (perEndpoint.get(d.endpointId) ?? 0) + 1);
  expect(perEndpoint.get(flooded)).toBe(4);
  for (const id of others) expect(perEndpoint.get(id)).toBe(3);
  expect(perEndpoint.has(atLimit)).toBe(false);

  const again = await claimDue(sql, { now: new Date(), leaseMs: 30_000, limit: 64, perEndpointLimit: 4, inFlight: new Map() });
  const ids = new Set(claimed.map((d) => d.id));
  expect(again.some((d) => ids.has(d.id))).toBe(false);
  expect(again.filter((d) => d.endpointId === atLimit)).toHaveLength(4);
});
