// Idempotency-Key on POST through the gateway (issue 5 item 4 and its acceptance), with real
// keys from the reseller service, Redis for the records and a service that counts executions.
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createAccounts, type Accounts } from '../support/accounts';
import { startFakeService, type FakeService } from '../support/fake-service';
import { PRINCIPAL_SECRET, call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let registry: FakeService;
let gw: GatewayUnderTest;
let alice: Accounts;
let bob: Accounts;

beforeAll(async () => {
  vhost = await createTestVhost('gateway_idem');
  reseller = await startReseller(vhost.url);
  registry = await startFakeService(PRINCIPAL_SECRET);
  gw = await startGateway({ upstreams: { reseller: reseller.url, 'runner-registry': registry.url } });
  alice = await createAccounts(gw.url, reseller.adminKey, 'alice');
  bob = await createAccounts(gw.url, reseller.adminKey, 'bob');
});

afterAll(async () => {
  await gw?.close();
  await registry?.close();
  await reseller?.close();
  await vhost?.drop();
  await closeAgents();
});

let keyCounter = 0;
const freshKey = () => `test-key-${Date.now()}-${(keyCounter += 1)}`;
const submit = (apiKey: string, idempotencyKey: string | undefined, body: object = { type: 'render' }) =>
  call(gw.url, '/v1/jobs', { key: apiKey, body, headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey } });

describe('Idempotency-Key', () => {
  it('10 replays of one request have one effect and the same response, marked as replayed', async () => {
    const key = freshKey();
    const before = registry.executions;
    const results = [];
    for (let i = 0; i < 10; i += 1) results.push(await submit(alice.customerKey, key));
    expect(registry.executions - before).toBe(1);
    for (const result of results) {
      expect(result.status).toBe(201);
      expect(result.text).toBe(results[0]!.text);
      expect(result.headers.location).toBe(results[0]!.headers.location);
      expect(result.headers['content-type']).toBe(results[0]!.headers['content-type']);
    }
    expect(results[0]!.headers['idempotent-replayed']).toBeUndefined();
    expect(results.slice(1).every((r) => r.headers['idempotent-replayed'] === 'true')).toBe(true);
  });

  it('the same key with a different body is refused with 422 and nothing runs', async () => {
    const key = freshKey();
    expect((await submit(alice.customerKey, key, { type: 'render' })).status).toBe(201);
    const before = registry.executions;
    const reused = await submit(alice.customerKey, key, { type: 'transcode' });
    expect(reused.status).toBe(422);
    expect(reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(registry.executions).toBe(before);
  });

  it('20 concurrent requests with one key execute exactly once; the others are told it is in flight', async () => {
    const key = freshKey();
    const before = registry.executions;
    // The first call is held well past the time the other 19 take to arrive, even on a loaded
    // machine (300 ms was not: under load some arrived after it had finished and got its replay).
    registry.delayMs = 3_000;
    let results;
    try {
      results = await Promise.all(Array.from({ length: 20 }, () => submit(alice.customerKey, key)));
    } finally {
      registry.delayMs = 0;
    }
    expect(registry.executions - before).toBe(1);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(results.find((r) => r.status === 409)!.json()).toMatchObject({ code: 'IDEMPOTENCY_REQUEST_IN_FLIGHT' });
  });

  it("another principal's request with the same key is its own request, and sees nothing of the first", async () => {
    const key = freshKey();
    const first = await submit(alice.customerKey, key);
    const before = registry.executions;
    const other = await submit(bob.customerKey, key);
    expect(other.status).toBe(201);
    expect(registry.executions - before).toBe(1);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.json().id).not.toBe(first.json().id);
    expect(registry.seen.at(-1)!.principal.id).toBe(bob.customerId);
  });

  it('is required on POSTs that place work or move money: 400 without it, and nothing runs', async () => {
    const before = registry.executions;
    const missing = await submit(alice.customerKey, undefined);
    expect(missing.status).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_MISSING', errors: [{ field: 'header.idempotency-key' }] });
    expect(registry.executions).toBe(before);
  });

  it('is optional on other POSTs', async () => {
    const result = await call(gw.url, '/v1/runners', { key: alice.customerKey, body: { name: 'r1' } });
    expect(result.status).toBe(200);
  });

  it('does not keep an upstream 5xx: a retry with the same key runs again', async () => {
    const key = freshKey();
    registry.failWith = 500;
    try {
      expect((await submit(alice.customerKey, key)).status).toBe(500);
    } finally {
      registry.failWith = null;
    }
    const before = registry.executions;
    const retry = await submit(alice.customerKey, key);
    expect(retry.status).toBe(201);
    expect(registry.executions - before).toBe(1);
  });

  it('is forwarded to the service, which can use it for its own deduplication', async () => {
    const key = freshKey();
    await submit(alice.customerKey, key);
    expect(registry.seen.at(-1)!.headers['idempotency-key']).toBe(key);
  });
});

describe('stored responses', () => {
  /**
   * Every key under the suite's prefix, with every byte Redis would write for it (DUMP) and its
   * value — and whatever any base64 run in them decodes to, since encoding is not protection.
   */
  async function redisContents(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (const redisKey of await gw.redis.keys(`${gw.prefix}*`)) {
      parts.push(Buffer.from(redisKey));
      const dump = await gw.redis.dumpBuffer(redisKey);
      if (dump) parts.push(dump);
      if ((await gw.redis.type(redisKey)) === 'string') parts.push((await gw.redis.getBuffer(redisKey)) ?? Buffer.alloc(0));
    }
    const raw = Buffer.concat(parts);
    const decoded = (raw.toString('latin1').match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []).map((run) => Buffer.from(run, run.includes('-') || run.includes('_') ? 'base64url' : 'base64'));
    return Buffer.concat([raw, ...decoded]);
  }

  it('leave no raw API key readable anywhere in Redis, idempotency records and principal cache alike (issue 12 item 4)', async () => {
    const created = [];
    for (let i = 0; i < 3; i += 1) {
      const result = await call(gw.url, '/v1/api-keys', {
        key: reseller.adminKey,
        body: { name: `stored ${i}`, ownerType: 'customer', ownerId: alice.customerId },
        headers: { 'idempotency-key': `api-key-at-rest-${i}-${freshKey()}` },
      });
      expect(result.status).toBe(201);
      created.push(result);
    }
    // Used once each, so the principal cache and the rate limiter hold entries for them too.
    for (const result of created) expect((await call(gw.url, '/v1/jobs', { key: result.json().key })).status).toBe(200);
    const contents = await redisContents();
    expect(contents.length).toBeGreaterThan(0);
    for (const result of created) {
      const rawKey: string = result.json().key;
      expect(contents.includes(Buffer.from(rawKey.split('_').at(-1)!))).toBe(false);
    }
  });

  it('are replayed byte for byte after being read back from Redis', async () => {
    const idempotencyKey = freshKey();
    const send = () =>
      call(gw.url, '/v1/api-keys', {
        key: reseller.adminKey,
        body: { name: 'replayed', ownerType: 'customer', ownerId: alice.customerId },
        headers: { 'idempotency-key': idempotencyKey },
      });
    const first = await send();
    const replay = await send();
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(first.text);
    expect(replay.json().key).toMatch(/^rf_sk_/);
  });

  it('kept under another encryption key are refused with 409, never run again', async () => {
    const idempotencyKey = freshKey();
    expect((await submit(alice.customerKey, idempotencyKey)).status).toBe(201);
    const rotated = await startGateway({
      upstreams: { reseller: reseller.url, 'runner-registry': registry.url },
      env: { REDIS_KEY_PREFIX: gw.prefix, IDEMPOTENCY_ENCRYPTION_KEY: 'another-idempotency-encryption-key-0123456789' },
    });
    try {
      const before = registry.executions;
      const retry = await call(rotated.url, '/v1/jobs', { key: alice.customerKey, body: { type: 'render' }, headers: { 'idempotency-key': idempotencyKey } });
      expect(retry.status).toBe(409);
      expect(retry.json()).toMatchObject({ code: 'IDEMPOTENCY_RECORD_UNREADABLE' });
      expect(registry.executions).toBe(before);
    } finally {
      await rotated.close();
    }
  });
});

describe('Idempotency-Key lifetimes (issue 13 item 12)', () => {
  it('the in-flight marker outlives the slowest upstream call: 2 × the 10 s upstream timeout + 5 s = 25 s; the stored response then lives 24 h', async () => {
    const key = freshKey();
    registry.delayMs = 1_500;
    let submitted;
    let markerTtlMs: number;
    // Records earlier tests left (kept 24 h) are not this request's.
    const earlier = new Set(await gw.redis.keys(`${gw.prefix}idem:*`));
    try {
      submitted = submit(alice.customerKey, key);
      let recordKey: string | undefined;
      const deadline = Date.now() + 5_000;
      while (!recordKey && Date.now() < deadline) {
        [recordKey] = await gw.redis.keys(`${gw.prefix}idem:*`).then((keys) => keys.filter((k) => !earlier.has(k)));
        if (!recordKey) await new Promise((r) => setTimeout(r, 20));
      }
      expect(recordKey).toBeDefined();
      markerTtlMs = await gw.redis.pttl(recordKey!);
      const result = await submitted;
      expect(result.status).toBe(201);
      // Past the response, the record holds the answer for replays for a day.
      const storedTtl = await gw.redis.ttl(recordKey!);
      expect(storedTtl).toBeGreaterThan(24 * 3600 - 60);
      expect(storedTtl).toBeLessThanOrEqual(24 * 3600);
    } finally {
      registry.delayMs = 0;
      await submitted?.catch(() => undefined);
    }
    // Read while the request was in flight (under 1.5 s after it began).
    expect(markerTtlMs).toBeGreaterThan(25_000 - 2_000);
    expect(markerTtlMs).toBeLessThanOrEqual(25_000);
  });
});
