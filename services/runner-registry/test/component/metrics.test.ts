// The registry's metrics (issue 14 item 6): runners by status, queue depth and oldest queued age by
// job type, claim wait time, heartbeats — on GET /metrics, without a principal, like the kit's.
import request from 'supertest';
import { createWorld, type World } from '../support/world';
import { queued } from '../support/jobs';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('registry_metrics');
});

afterAll(async () => {
  await world?.close();
});

/** The value of `name` with these labels (in any order), or undefined. */
const sample = (text: string, name: string, labels: Record<string, string> = {}) => {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.split(' ').pop());
};

it('shows runners by status, queue depth and oldest age by type, claim waits and heartbeats', async () => {
  const runner = await world.registerRunner((await world.registrationToken('admin')).token, { jobTypes: ['render', 'encode'], capacity: 1 });
  await queued(world, 'customerA', { type: 'render' });
  await queued(world, 'customerA', { type: 'render' });
  await queued(world, 'customerA', { type: 'encode' });
  world.clock.advance(5_000);
  await world.as(runner.principal).post('/v1/runners/me/heartbeat', {});
  await world.as(runner.principal).post('/v1/runners/me/jobs/claim', { waitSeconds: 0 });

  const text = (await request(world.app).get('/metrics')).text;
  expect(sample(text, 'runfleet_registry_runners', { status: 'active' })).toBe(1);
  expect(sample(text, 'runfleet_registry_runners', { status: 'offline' })).toBe(0);
  const render = sample(text, 'runfleet_registry_queue_depth', { type: 'render' }) ?? 0;
  const encode = sample(text, 'runfleet_registry_queue_depth', { type: 'encode' }) ?? 0;
  expect(render + encode).toBe(2); // three queued, one claimed
  expect(sample(text, 'runfleet_registry_oldest_queued_seconds', { type: 'render' })).toBeGreaterThanOrEqual(4);
  expect(sample(text, 'runfleet_registry_heartbeats_total')).toBe(1);
  expect(sample(text, 'runfleet_registry_claim_wait_seconds_count', { outcome: 'job' })).toBe(1);
});
