// M1 across services (issue 18 item 2): saga traffic through the gateway — customers topping up,
// placing orders (reseller → billing pays them from the wallet) and submitting jobs, runners
// claiming, starting and completing them — for 60 s while the (private) PostgreSQL server every
// service uses is restarted. Afterwards money is conserved to the micro-unit (Σ wallet balances +
// Σ charges = Σ credits), each side agrees with the others (credits = what the clients were told,
// job charges = the jobs the registry ran, order charges = the orders the reseller service holds
// paid), and no job is stuck in a non-final state with a posted hold.
import { randomUUID } from 'node:crypto';
import { queryRows } from '@runfleet/test-infra';
import { api, makeWorld, moneyFigures, printFigures, runVerify, canaryFigures, searchSecretCanaries, startChaosPlatform, outboxSettled, waitUntil, type ChaosPlatform, type World } from '../support/chaos';
import { jobBody, newTally, postRetrying, registerRunners, runRunner, type RunnerLog } from '../support/traffic';

const TRAFFIC_MS = Number(process.env.CHAOS_M1_SECONDS ?? 60) * 1000;
const FUNDS = '1000';
const TOP_UP = '0.5';
// a job uses 1 second at 0.001/second
const JOB_CHARGE_MICROS = 1_000n;
const FINAL = ['succeeded', 'failed', 'cancelled', 'rejected'];

let platform: ChaosPlatform;
let world: World;
let offeringId: string;
const runnerTokens: string[] = [];

beforeAll(async () => {
  platform = await startChaosPlatform('chaos_m1');
  world = await makeWorld(platform.stack, 2, FUNDS);
  for (const customer of world.customers) runnerTokens.push(...(await registerRunners(platform.stack.gatewayUrl, customer, 3)));
  const gateway = platform.stack.gatewayUrl;
  const provider = await api(gateway, 'POST', '/v1/providers', world.adminKey, { name: `Chaos Provider ${randomUUID().slice(0, 8)}` }, randomUUID());
  const offering = await api(gateway, 'POST', `/v1/providers/${provider.json?.id}/offerings`, world.adminKey, { name: 'Chaos DB', basePrice: '0.10', currency: world.customers[0]!.currency, unit: 'month' }, randomUUID());
  if (offering.status !== 201) throw new Error(`offering: ${provider.status} ${offering.status} ${offering.text}`);
  // the reseller resells the provider, so its customers find the offering in their marketplace
  const relationship = await api(gateway, 'POST', '/v1/relationships', world.resellerKey, { providerId: provider.json.id, commissionBps: 1000 }, randomUUID());
  if (relationship.status !== 201) throw new Error(`relationship: ${relationship.status} ${relationship.text}`);
  offeringId = offering.json.id;
}, 240_000);

afterAll(async () => {
  await platform?.stop();
}, 120_000);

describe('M1: saga traffic while PostgreSQL restarts', () => {
  it('conserves money to the micro-unit and leaves no job unfinished with a posted hold', async () => {
    const gateway = platform.stack.gatewayUrl;
    const billingDb = platform.dbUrl('billing');
    const registryDb = platform.dbUrl('runner-registry');
    const tally = newTally();
    const log: RunnerLog = { claimed: [], completed: new Set(), tally: newTally() };
    const jobIds: string[] = [];
    const refused: string[] = [];
    let toppedUp = 0n;
    const endAt = Date.now() + TRAFFIC_MS;
    let runnersStopped = false;
    const runners = runnerTokens.map((token) => runRunner(gateway, token, () => runnersStopped, log, 2));

    const submitter = async (n: number) => {
      const customer = world.customers[n % world.customers.length]!;
      while (Date.now() < endAt) {
        const r = await postRetrying(gateway, '/v1/jobs', customer.key, jobBody(customer), tally);
        if (r.status === 201) jobIds.push(r.json.id);
        else refused.push(`job ${r.status} ${r.text.slice(0, 200)}`);
      }
    };
    const orderIds: string[] = [];
    const orders = async () => {
      for (let i = 0; Date.now() < endAt; i++) {
        const customer = world.customers[i % world.customers.length]!;
        const r = await postRetrying(gateway, '/v1/orders', customer.key, { offeringId, quantity: 1 }, tally);
        if (r.status === 201) orderIds.push(r.json.id);
        else refused.push(`order ${r.status} ${r.text.slice(0, 200)}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    };
    const topUps = async () => {
      for (let i = 0; Date.now() < endAt; i++) {
        const customer = world.customers[i % world.customers.length]!;
        const r = await postRetrying(gateway, `/v1/wallets/${customer.walletId}/credits`, world.adminKey, { amount: TOP_UP, currency: customer.currency, reason: 'chaos top-up' }, tally, randomUUID());
        if (r.status === 201) toppedUp += 500_000n;
        else refused.push(`credit ${r.status} ${r.text.slice(0, 200)}`);
        await new Promise((res) => setTimeout(res, 500));
      }
    };
    const fault = async () => {
      await new Promise((r) => setTimeout(r, Math.min(15_000, TRAFFIC_MS / 4)));
      const from = Date.now();
      await platform.pg.stop();
      await new Promise((r) => setTimeout(r, 5_000));
      await platform.pg.start();
      const restartedAt = Date.now();
      const before = jobIds.length;
      await waitUntil(async () => jobIds.length > before, 'a job is accepted again after the restart', 120_000, 100);
      return { pg_down_ms: restartedAt - from, recovery_after_restart_ms: Date.now() - restartedAt };
    };

    const [recovery] = await Promise.all([fault(), topUps(), orders(), submitter(0), submitter(1), submitter(2), submitter(3)]);

    // The sagas finish: every job reaches a final state, every event is published and applied.
    const unfinished = async () =>
      Number((await queryRows<{ n: string }>(registryDb, `SELECT count(*)::text AS n FROM job WHERE status <> ALL($1::text[])`, [FINAL]))[0]!.n);
    await waitUntil(async () => (await unfinished()) === 0, 'every job is final', 180_000, 500);
    const resellerDb = platform.dbUrl('reseller');
    const unpaid = async () => Number((await queryRows<{ n: string }>(resellerDb, `SELECT count(*)::text AS n FROM reseller_order WHERE status = 'pending'`))[0]!.n);
    await waitUntil(async () => (await unpaid()) === 0, 'every order is paid or refused', 120_000, 500);
    runnersStopped = true;
    await Promise.all(runners);
    await waitUntil(
      async () => (await outboxSettled(billingDb)) && (await outboxSettled(registryDb)),
      'the outboxes of billing and the registry are published',
      60_000,
      500,
    );
    const succeededJobs = async () => (await queryRows<{ id: string }>(registryDb, `SELECT id::text FROM job WHERE status = 'succeeded'`)).map((r) => r.id);
    const chargedJobs = async () => (await queryRows<{ id: string }>(billingDb, `SELECT reference_id AS id FROM ledger_entry WHERE type = 'charge' AND reference_kind = 'job'`)).map((r) => r.id);
    const [paidOrders] = await queryRows<{ n: string; s: string }>(resellerDb, `SELECT count(*)::text AS n, COALESCE(SUM(total_micros),0)::text AS s FROM reseller_order WHERE status IN ('paid', 'fulfilled')`);
    const [orderCharges] = await queryRows<{ n: string; d: string; s: string }>(
      billingDb,
      `SELECT count(*)::text AS n, count(DISTINCT reference_id)::text AS d, COALESCE(-SUM(amount),0)::text AS s FROM ledger_entry WHERE type = 'charge' AND reference_kind = 'order'`,
    );
    await waitUntil(async () => (await chargedJobs()).length >= (await succeededJobs()).length, 'every succeeded job is charged', 60_000, 500);

    const succeeded = await succeededJobs();
    const charged = await chargedJobs();
    const statusRows = await queryRows<{ status: string; n: string }>(registryDb, 'SELECT status, count(*)::text AS n FROM job GROUP BY status');
    const jobStates = await queryRows<{ id: string; status: string }>(registryDb, 'SELECT id::text, status FROM job');
    const holdRows = await queryRows<{ id: string; status: string }>(billingDb, `SELECT reference_id AS id, status FROM hold WHERE reference_kind = 'job'`);
    const holdOf = new Map(holdRows.map((h) => [h.id, h.status]));
    // no job left in a non-final state with a posted hold; no final unsuccessful job still holding money
    const stuckWithPostedHold = jobStates.filter((j) => !FINAL.includes(j.status) && holdOf.get(j.id) === 'posted');
    const endedStillHeld = jobStates.filter((j) => FINAL.includes(j.status) && holdOf.get(j.id) === 'pending');
    const money = await moneyFigures(billingDb);
    const fundedMicros = BigInt(world.customers.length) * 1_000_000_000n;
    const verify = runVerify(billingDb);
    const chargedSet = new Set(charged);
    const canaries = await searchSecretCanaries(platform, world, runnerTokens);
    printFigures('M1', {
      ...canaryFigures(canaries),
      traffic_s: TRAFFIC_MS / 1000,
      jobs_submitted: jobIds.length,
      job_states: JSON.stringify(Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)]))),
      orders_placed: orderIds.length,
      orders_paid: paidOrders!.n,
      job_charges: charged.length,
      order_charges: orderCharges!.n,
      duplicates: charged.length - chargedSet.size + Number(orderCharges!.n) - Number(orderCharges!.d),
      lost: succeeded.filter((id) => !chargedSet.has(id)).length,
      stuck_with_posted_hold: stuckWithPostedHold.length,
      ended_still_held: endedStillHeld.length,
      balances: money.balances,
      charged_micros: money.charges,
      credits: money.credits,
      other_ledger: money.other,
      conserved: money.balances + money.charges === money.credits ? 'yes' : 'NO',
      client_retries: tally.retries,
      client_statuses: JSON.stringify(tally.statuses),
      runner_statuses: JSON.stringify(log.tally.statuses),
      ...recovery,
      verify: verify.status === 0 ? 'ok' : `FAILED(${verify.status})`,
    });

    expect(canaries.hits).toEqual([]);
    expect(refused).toEqual([]);
    expect(tally.retries + log.tally.retries).toBeGreaterThan(0);
    expect(money.balances + money.charges).toBe(money.credits);
    expect(money.other).toBe(0n);
    // each side agrees with the others: credits are what the clients were told, charges what the registry ran
    expect(money.credits).toBe(fundedMicros + toppedUp);
    expect(money.charges).toBe(JOB_CHARGE_MICROS * BigInt(succeeded.length) + BigInt(paidOrders!.s));
    expect(orderCharges).toEqual({ n: paidOrders!.n, d: paidOrders!.n, s: paidOrders!.s });
    expect(new Set(orderIds).size).toBe(orderIds.length);
    expect(charged.length).toBe(chargedSet.size);
    expect([...chargedSet].sort()).toEqual([...succeeded].sort());
    expect(stuckWithPostedHold).toEqual([]);
    expect(endedStillHeld).toEqual([]);
    expect(new Set(jobIds).size).toBe(jobStates.length);
    expect(verify).toMatchObject({ status: 0 });
  }, 480_000);
});
