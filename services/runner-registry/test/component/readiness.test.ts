// Readiness (issue 14 item 6): the registry reports ready only with PostgreSQL, Redis and the broker
// all reachable, naming what is not — a registry without Redis can neither take heartbeats nor
// wake waiting claims, so it must not take traffic.
import { Redis } from 'ioredis';
import { REDIS_URL } from '@runfleet/test-infra';
import { registryHealth } from '../../src/readiness';
import { createWorld, type World } from '../support/world';

jest.setTimeout(30_000);

let world: World;
const clients: Redis[] = [];

/** A client configured as main.ts configures it: commands fail at once while Redis is unreachable. */
function redisAt(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  world = await createWorld('registry_readiness');
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await world?.close();
});

describe('readiness', () => {
  it('is ok with PostgreSQL, Redis and the broker all up', async () => {
    const redis = redisAt(REDIS_URL);
    await redis.connect();
    const report = await registryHealth({ prisma: world.prisma, redis, brokerConnected: () => true }).readiness();
    expect(report).toEqual({ status: 'ok', checks: { db: 'ok', redis: 'ok', amqp: 'ok' } });
  });

  it('is unavailable, naming redis, while Redis cannot be reached', async () => {
    const redis = redisAt('redis://127.0.0.1:1');
    const report = await registryHealth({ prisma: world.prisma, redis, brokerConnected: () => true }).readiness();
    expect(report.status).toBe('unavailable');
    expect(report.checks).toMatchObject({ db: 'ok', amqp: 'ok', redis: expect.stringMatching(/^fail/) });
  });

  it('is unavailable, naming amqp, while the broker is down', async () => {
    const redis = redisAt(REDIS_URL);
    await redis.connect();
    const report = await registryHealth({ prisma: world.prisma, redis, brokerConnected: () => false }).readiness();
    expect(report).toMatchObject({ status: 'unavailable', checks: { redis: 'ok', amqp: expect.stringMatching(/^fail/) } });
  });
});
