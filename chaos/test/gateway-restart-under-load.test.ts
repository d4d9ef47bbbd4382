// The gateway restarted under load (issue 18 item 2): clients keep topping up wallets and
// submitting jobs, each POST with an Idempotency-Key they retry while the gateway is SIGKILLed
// and restarted, SIGTERMed and restarted, and its Redis paused (CLIENT PAUSE). They see no answer,
// 503s or 409 "in flight" meanwhile, and retry; in the end every key did its work exactly once:
// one credit per top-up key, one job and one hold per submission key, no money twice.
import { randomUUID } from 'node:crypto';
import { queryRows } from '@runfleet/test-infra';
import { api, killService, makeWorld, printFigures, restartService, runVerify, canaryFigures, searchSecretCanaries, startChaosPlatform, stopService, waitUntil, type ChaosPlatform, type World } from '../support/chaos';
import { jobBody, newTally, postRetrying, registerRunners, type Tally } from '../support/traffic';

const CLIENTS = 6;
const LOAD_MS = 24_000;
const CREDIT = '0.01';
const CREDIT_MICROS = 10_000n;

let platform: ChaosPlatform;
let world: World;
const runnerTokens: string[] = [];

beforeAll(async () => {
  // A short upstream timeout keeps the gateway's in-flight markers (2 × timeout + 5 s) short.
  platform = await startChaosPlatform('chaos_gateway', { env: { 'api-gateway': { UPSTREAM_TIMEOUT_MS: '2000' } } });
  world = await makeWorld(platform.stack, 2, '1000');
  // a job is accepted only while a compatible runner is online: one per customer, heartbeating
  for (const customer of world.customers) runnerTokens.push(...(await registerRunners(platform.stack.gatewayUrl, customer, 1)));
}, 240_000);

afterAll(async () => {
  await platform?.stop();
}, 120_000);

describe('the gateway restarted under load', () => {
  it('clients see faults and retry; every Idempotency-Key acts exactly once, no double charge', async () => {
    const gateway = platform.stack.gatewayUrl;
    const tally: Tally = newTally();
    const credits: { key: string; walletId: string; id: string }[] = [];
    const jobs: { key: string; id: string }[] = [];
    const unexpected: string[] = [];
    const endAt = Date.now() + LOAD_MS;

    const client = async (n: number) => {
      const customer = world.customers[n % world.customers.length]!;
      for (let i = 0; Date.now() < endAt; i++) {
        const key = randomUUID();
        if (i % 2 === 0) {
          const r = await postRetrying(gateway, `/v1/wallets/${customer.walletId}/credits`, world.adminKey, { amount: CREDIT, currency: customer.currency, reason: 'chaos top-up' }, tally, key);
          if (r.status === 201) credits.push({ key, walletId: customer.walletId, id: r.json.id ?? r.json.transactionId });
          else unexpected.push(`credit ${r.status} ${r.text.slice(0, 200)}`);
        } else {
          const r = await postRetrying(gateway, '/v1/jobs', customer.key, jobBody(customer, '0.5'), tally, key);
          if (r.status === 201) jobs.push({ key, id: r.json.id });
          else unexpected.push(`job ${r.status} ${r.text.slice(0, 200)}`);
        }
      }
    };

    const faults = async () => {
      const recovery: Record<string, number> = {};
      await new Promise((r) => setTimeout(r, 4_000));
      let from = Date.now();
      await killService(platform.stack, 'api-gateway');
      await restartService(platform.stack, 'api-gateway');
      recovery.gateway_sigkill_recovery_ms = Date.now() - from;
      await new Promise((r) => setTimeout(r, 4_000));
      from = Date.now();
      await stopService(platform.stack, 'api-gateway');
      await restartService(platform.stack, 'api-gateway');
      recovery.gateway_sigterm_recovery_ms = Date.now() - from;
      await new Promise((r) => setTimeout(r, 3_000));
      await platform.redis.pause(3_000);
      return recovery;
    };

    const heartbeats = async () => {
      while (Date.now() < endAt) {
        await Promise.all(runnerTokens.map((token) => api(gateway, 'POST', '/v1/runners/me/heartbeat', token, { version: '0.1.0' }, undefined, 5_000).catch(() => undefined)));
        await new Promise((r) => setTimeout(r, 2_000));
      }
    };

    const [recovery] = await Promise.all([faults(), heartbeats(), ...Array.from({ length: CLIENTS }, (_, n) => client(n))]);

    // Every job is held once billing has seen it (its hold placed through the broker).
    const registryDb = platform.dbUrl('runner-registry');
    const billingDb = platform.dbUrl('billing');
    await waitUntil(async () => {
      const [row] = await queryRows<{ n: string }>(billingDb, `SELECT count(*)::text AS n FROM hold WHERE reference_kind = 'job'`);
      return Number(row!.n) >= jobs.length;
    }, 'every submitted job is held', 60_000);

    const creditRows = await queryRows<{ wallet_id: string; n: string; s: string }>(
      billingDb,
      `SELECT wallet_id, count(*)::text AS n, SUM(amount)::text AS s FROM ledger_entry WHERE type = 'credit' AND reason = 'chaos top-up' GROUP BY wallet_id`,
    );
    const creditEntries = creditRows.reduce((a, r) => a + Number(r.n), 0);
    const creditMicros = creditRows.reduce((a, r) => a + BigInt(r.s), 0n);
    const [jobRow] = await queryRows<{ n: string }>(registryDb, 'SELECT count(*)::text AS n FROM job');
    const [holdRow] = await queryRows<{ n: string; d: string }>(billingDb, `SELECT count(*)::text AS n, count(DISTINCT reference_id)::text AS d FROM hold WHERE reference_kind = 'job'`);
    const verify = runVerify(billingDb);
    const answered = credits.length + jobs.length;
    const canaries = await searchSecretCanaries(platform, world, runnerTokens);
    printFigures('gateway', {
      ...canaryFigures(canaries),
      clients: CLIENTS,
      posts: answered,
      attempts: Object.values(tally.statuses).reduce((a, b) => a + b, 0),
      retries: tally.retries,
      statuses: JSON.stringify(tally.statuses),
      credit_keys: credits.length,
      credit_entries: creditEntries,
      job_keys: jobs.length,
      jobs_in_registry: jobRow!.n,
      holds: holdRow!.n,
      duplicates: creditEntries - credits.length + Number(jobRow!.n) - jobs.length + Number(holdRow!.n) - Number(holdRow!.d),
      lost: Math.max(0, credits.length - creditEntries) + Math.max(0, jobs.length - Number(jobRow!.n)),
      verify: verify.status === 0 ? 'ok' : `FAILED(${verify.status})`,
      ...recovery,
    });

    expect(canaries.hits).toEqual([]);
    expect(unexpected).toEqual([]);
    // the faults were felt: some attempts got no answer or a 5xx / 409 and were retried
    expect(tally.retries).toBeGreaterThan(0);
    expect(new Set(credits.map((c) => c.id)).size).toBe(credits.length);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    expect({ creditEntries, jobsInRegistry: Number(jobRow!.n), holds: Number(holdRow!.n), distinctHolds: Number(holdRow!.d) }).toEqual({
      creditEntries: credits.length,
      jobsInRegistry: jobs.length,
      holds: jobs.length,
      distinctHolds: jobs.length,
    });
    expect(creditMicros).toBe(CREDIT_MICROS * BigInt(credits.length));
    expect(verify).toMatchObject({ status: 0 });
  }, 300_000);
});
