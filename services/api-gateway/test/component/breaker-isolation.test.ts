// One tenant cannot take an upstream away from the others (issue 12 defect 1; DESIGN.md §6): the
// breaker opens on the upstream's unavailability (connect errors, timeouts, 502/503/504) and never
// on answers to one caller's requests (4xx, or a 500 its input provoked). Before, a handful of
// requests with a NUL in a string made the reseller answer 500, the breaker opened, and every
// other tenant got 503 for the reset timeout — indefinitely at ~10 such requests/s.
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createAccounts, type Accounts } from '../support/accounts';
import { startFakeService, type FakeService } from '../support/fake-service';
import { DOWN_URL, PRINCIPAL_SECRET, call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

const RESET_MS = 10_000;
const FLOOD_MS = 3_000;

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let billing: FakeService;
let registry: FakeService;
let gw: GatewayUnderTest;
let attacker: Accounts;
let victim: Accounts;

beforeAll(async () => {
  vhost = await createTestVhost('gateway_breaker_isolation');
  reseller = await startReseller(vhost.url);
  billing = await startFakeService(PRINCIPAL_SECRET);
  registry = await startFakeService(PRINCIPAL_SECRET);
  gw = await startGateway({
    upstreams: { reseller: reseller.url, billing: billing.url, 'runner-registry': registry.url, notifications: DOWN_URL },
    env: { BREAKER_RESET_MS: String(RESET_MS) },
  });
  attacker = await createAccounts(gw.url, reseller.adminKey, 'breaker-attacker');
  victim = await createAccounts(gw.url, reseller.adminKey, 'breaker-victim');
});

afterAll(async () => {
  await gw?.close();
  await billing?.close();
  await registry?.close();
  await reseller?.close();
  await vhost?.drop();
  await closeAgents();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * For `FLOOD_MS`: the attacker fires `bad()` 20 times a second without waiting for answers, while
 * the victim sends `good()` about 5 times a second — fewer than the attacker, as an ordinary
 * client would, so the bad answers dominate the breaker's window. Returns every status each saw.
 */
async function flood(bad: () => Promise<{ status: number }>, good: () => Promise<{ status: number }>): Promise<{ attacker: number[]; victim: number[] }> {
  const until = Date.now() + FLOOD_MS;
  const attacks: Promise<number>[] = [];
  const attacking = (async () => {
    while (Date.now() < until) {
      attacks.push(bad().then((r) => r.status));
      await sleep(50);
    }
  })();
  const victimStatuses: number[] = [];
  while (Date.now() < until) {
    victimStatuses.push((await good()).status);
    await sleep(200);
  }
  await attacking;
  return { attacker: await Promise.all(attacks), victim: victimStatuses };
}

describe("one tenant's bad requests", () => {
  it('with a NUL in its strings (through the real reseller service) leave another tenant at 100 % success', async () => {
    const { attacker: bad, victim: good } = await flood(
      (() => {
        let i = 0;
        return () =>
          (i++ % 2 === 0)
            ? call(gw.url, '/v1/projects?q=%00', { key: attacker.customerKey })
            : call(gw.url, '/v1/projects', { key: attacker.customerKey, body: { name: 'x\u0000y' } });
      })(),
      () => call(gw.url, '/v1/projects', { key: victim.customerKey }),
    );
    expect(bad.length).toBeGreaterThanOrEqual(30);
    expect(new Set(bad)).toEqual(new Set([400]));
    expect(good.length).toBeGreaterThanOrEqual(5);
    expect(good.filter((s) => s !== 200)).toEqual([]);
    expect(gw.gateway.upstreams.reseller.state).toBe('closed');
  });

  it('that make the upstream answer 500 leave another tenant at 100 % success: a 500 is not unavailability', async () => {
    registry.failPaths = { '/v1/jobs/crash': 500 };
    try {
      const { attacker: bad, victim: good } = await flood(
        () => call(gw.url, '/v1/jobs/crash', { key: attacker.customerKey }),
        () => call(gw.url, '/v1/jobs', { key: victim.customerKey }),
      );
      expect(bad.length).toBeGreaterThanOrEqual(30);
      expect(new Set(bad)).toEqual(new Set([500]));
      expect(good.length).toBeGreaterThanOrEqual(5);
      expect(good.filter((s) => s !== 200)).toEqual([]);
      expect(gw.gateway.upstreams['runner-registry'].state).toBe('closed');
    } finally {
      registry.failPaths = {};
    }
  });
});

describe('real unavailability still opens the breaker', () => {
  it('an upstream that is down answers 503, and fast once the breaker is open', async () => {
    for (let i = 0; i < 6; i += 1) expect((await call(gw.url, '/v1/feed', { key: victim.customerKey })).status).toBe(503);
    expect(gw.gateway.upstreams.notifications.state).toBe('open');
    const fast = await call(gw.url, '/v1/feed', { key: victim.customerKey });
    expect(fast.status).toBe(503);
    expect(fast.ms).toBeLessThan(50);
  });

  it('an upstream answering 503 (or 502/504) opens it', async () => {
    billing.failWith = 503;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await call(gw.url, '/v1/wallets', { key: victim.customerKey })).status);
      expect(statuses.slice(0, 5)).toEqual([503, 503, 503, 503, 503]);
      expect(gw.gateway.upstreams.billing.state).toBe('open');
      const open = await call(gw.url, '/v1/wallets', { key: victim.customerKey });
      expect(open.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    } finally {
      billing.failWith = null;
    }
  });
});
