// The write-behind rate limiter against the real Redis: exact within one process, every admitted
// request reaches Redis, replicas see each other's counts at their next sync, windows reset.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { uniqueRedisPrefix, waitForStableCount } from '@runfleet/test-infra';
import { WriteBehindLimiter } from '../../src/data/write-behind-limiter';

jest.setTimeout(30_000);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let redis: Redis;
let prefix: string;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { enableOfflineQueue: false, enableAutoPipelining: true });
  prefix = uniqueRedisPrefix('gw-writebehind');
  // Until Redis is ready the limiters count in memory (their insurance), which is not what is tested here.
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

function redisLimiter(name: string, points: number, duration = 60): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}${name}`,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}${name}`, points, duration }),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const allowedCount = (decisions: { allowed: boolean }[]) => decisions.filter((d) => d.allowed).length;

describe('WriteBehindLimiter', () => {
  it('admits exactly the budget in one process, however many requests race for it', async () => {
    const limiter = new WriteBehindLimiter(redisLimiter('exact', 50), { syncIntervalMs: 5 });
    const first = await limiter.consume('k');
    expect(first).toMatchObject({ allowed: true, remainingPoints: 49 });
    const decisions = await Promise.all(Array.from({ length: 80 }, () => limiter.consume('k')));
    expect(allowedCount(decisions)).toBe(49);
    expect(decisions.at(-1)).toMatchObject({ allowed: false, remainingPoints: 0 });
    expect(decisions.at(-1)!.msBeforeNext).toBeGreaterThan(50_000);
    await limiter.flush();
  });

  it('sends every admitted request to Redis: on its sync interval, and all of it on flush', async () => {
    const shared = redisLimiter('sent', 1_000);
    const limiter = new WriteBehindLimiter(shared, { syncIntervalMs: 20 });
    for (let i = 0; i < 30; i += 1) await limiter.consume('k');
    // the first went to Redis at once; the others wait for the sync
    expect((await shared.get('k'))?.consumedPoints).toBeLessThan(30);
    // the next syncs send the rest; stable for 200 ms (ten intervals) so an extra send would show
    expect(await waitForStableCount(async () => (await shared.get('k'))?.consumedPoints ?? 0, { atLeast: 30, stableMs: 200, intervalMs: 10 })).toBe(30);
    for (let i = 0; i < 7; i += 1) await limiter.consume('k');
    await limiter.flush();
    expect((await shared.get('k'))?.consumedPoints).toBe(37);
  });

  it('lets replicas see each other’s counts at their next sync, so together they stay within one interval of the budget', async () => {
    const points = 100;
    const a = new WriteBehindLimiter(redisLimiter('replicas', points), { syncIntervalMs: 10 });
    const b = new WriteBehindLimiter(redisLimiter('replicas', points), { syncIntervalMs: 10 });
    let admitted = 0;
    // Two replicas each taking a request every 2 ms: at most ~5 each per sync interval.
    for (let i = 0; i < 150; i += 1) {
      const [x, y] = await Promise.all([a.consume('k'), b.consume('k')]);
      admitted += Number(x.allowed) + Number(y.allowed);
      await sleep(2);
    }
    await Promise.all([a.flush(), b.flush()]);
    expect(admitted).toBeGreaterThanOrEqual(points);
    expect(admitted).toBeLessThanOrEqual(points + 20);
    // both are now refusing: each learned the shared count
    expect((await a.consume('k')).allowed).toBe(false);
    expect((await b.consume('k')).allowed).toBe(false);
  });

  it('gives a key its budget back when the window is over', async () => {
    const limiter = new WriteBehindLimiter(redisLimiter('window', 3, 1), { syncIntervalMs: 5 });
    const firstWindow = [];
    for (let i = 0; i < 4; i += 1) firstWindow.push(await limiter.consume('k'));
    expect(firstWindow.map((d) => d.allowed)).toEqual([true, true, true, false]);
    await sleep(1_100);
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, remainingPoints: 2 });
    await limiter.flush();
  });

  it('keeps budgets of different keys apart', async () => {
    const limiter = new WriteBehindLimiter(redisLimiter('keys', 2), { syncIntervalMs: 5 });
    const one = [await limiter.consume('one'), await limiter.consume('one'), await limiter.consume('one')];
    expect(one.map((d) => d.allowed)).toEqual([true, true, false]);
    expect((await limiter.consume('two')).allowed).toBe(true);
    await limiter.flush();
  });
});
