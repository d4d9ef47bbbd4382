// The platform with two processes of every backend service behind the one gateway (issue 18 item 3;
// DESIGN.md §9 "more replicas of any service scale it"): the platform checks, two competing
// consumers on every queue, a job claimed exactly once while runners long-poll on both registry
// replicas, and the background loops — hold sweeper, overdue check, commission approval, liveness
// sweeper — running on both replicas without doing anything twice. The sweeps run every 200 ms on
// both; what they act on is made due by moving its time back in the database.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { consumerQueues } from '@runfleet/contracts';
import { getQueue } from '@runfleet/test-infra';
import { describeGracefulStop, describeRunningPlatform } from '../support/platform-checks';
import { createAdminKey, type ServiceName, type Stack, startProcess, startStack, waitForReady } from '../support/stack';

const REPLICAS = 2;
const SWEEP_MS = '200';
const RUNNERS = 4;
const JOBS = 8;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack('replicas', {
    replicas: REPLICAS,
    env: {
      billing: { HOLD_SWEEP_INTERVAL_MS: SWEEP_MS, OVERDUE_CHECK_INTERVAL_MS: SWEEP_MS, COMMISSION_APPROVAL_INTERVAL_MS: SWEEP_MS },
      // the liveness sweeper runs twice per heartbeat interval: every 500 ms; stale after 2 s, offline after 3 s
      'runner-registry': { HEARTBEAT_INTERVAL_SECONDS: '1', STALE_AFTER_MISSED: '2', OFFLINE_AFTER_MISSED: '3' },
    },
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

interface Answer {
  status: number;
  body: Record<string, unknown> & { id?: string };
}

async function api(method: string, path: string, key: string, body?: unknown, idempotencyKey?: string): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const res = await fetch(`${stack.gatewayUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

async function created(answer: Promise<Answer>, what: string): Promise<Answer['body'] & { id: string }> {
  const { status, body } = await answer;
  if (status !== 201) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  return body as Answer['body'] & { id: string };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function query<R extends Record<string, unknown>>(service: ServiceName, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: stack.databases[service]?.url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** How many events of `type` the service's outbox holds that mention `id` (published or not). */
async function eventsAbout(service: ServiceName, type: string, id: string): Promise<number> {
  const [row] = await query<{ n: string }>(service, `SELECT count(*) AS n FROM outbox_event WHERE type = $1 AND envelope::text LIKE '%' || $2 || '%'`, [type, id]);
  return Number(row?.n ?? 0);
}

describe('the platform with two processes of every backend service', () => {
  const context = { stack: () => stack, replicas: REPLICAS };
  const running = describeRunningPlatform(context);

  it('has two competing consumers on every queue of every backend service', async () => {
    const expected = Object.entries(consumerQueues).flatMap(([service, concerns]) =>
      service === 'api-gateway'
        ? []
        : Object.entries(concerns as Record<string, { planned?: boolean }>).filter(([, q]) => !q.planned).map(([concern]) => `${service}.${concern}`),
    );
    expect(expected.length).toBeGreaterThan(4);

    const counts = await waitFor('two consumers per queue', async () => {
      const seen = Object.fromEntries(await Promise.all(expected.map(async (queue) => [queue, Number((await getQueue(stack.vhost.name, queue))?.consumers ?? -1)] as const)));
      return Object.values(seen).every((n) => n === REPLICAS) ? seen : undefined;
    }).catch(async () => Object.fromEntries(await Promise.all(expected.map(async (queue) => [queue, (await getQueue(stack.vhost.name, queue))?.consumers]))));

    expect(counts).toEqual(Object.fromEntries(expected.map((queue) => [queue, REPLICAS])));
  }, 30_000);

  describe('a customer of a reseller, with runners', () => {
    const world = {
      admin: '',
      resellerId: '',
      customerKey: '',
      projectId: '',
      walletId: '',
      runners: [] as { id: string; token: string }[],
    };
    let heartbeating = true;
    let heartbeats: Promise<void> | undefined;

    beforeAll(async () => {
      const run = randomUUID().slice(0, 8);
      world.admin = createAdminKey(stack);
      const reseller = await created(api('POST', '/v1/resellers', world.admin, { name: 'Replica Resale', email: `r+${run}@e2e.example`, commissionRateBps: 1500 }, `${run}-r`), 'reseller');
      world.resellerId = reseller.id;
      const resellerKey = await created(api('POST', '/v1/api-keys', world.admin, { name: 'r', ownerType: 'reseller', ownerId: reseller.id }, `${run}-rk`), 'reseller key');
      const resellerSecret = resellerKey.key as string;
      const customer = await created(api('POST', '/v1/customers', resellerSecret, { name: 'Replica Customer', email: `c+${run}@e2e.example` }, `${run}-c`), 'customer');
      const customerKey = await created(api('POST', '/v1/api-keys', resellerSecret, { name: 'c', ownerType: 'customer', ownerId: customer.id }, `${run}-ck`), 'customer key');
      world.customerKey = customerKey.key as string;
      world.projectId = (await created(api('POST', '/v1/projects', world.customerKey, { name: 'replicas' }, `${run}-p`), 'project')).id;
      const registration = await created(api('POST', '/v1/registration-tokens', world.customerKey, { description: 'replicas', maxUses: RUNNERS }, `${run}-rt`), 'registration token');
      for (let i = 0; i < RUNNERS; i += 1) {
        const runner = await created(
          api('POST', '/v1/runners', registration.token as string, { name: `replica-runner-${i}`, jobTypes: ['render'], capacity: 1, version: '1.0.0' }),
          'runner',
        );
        world.runners.push({ id: runner.id, token: runner.token as string });
      }
      await created(api('POST', '/v1/price-lists', world.admin, { jobType: 'render', unit: 'run', unitPrice: '0.50', currency: 'EUR' }, `${run}-pl`), 'price list');
      // the customer's wallet is opened on customer.created; it pays on credit (no top-up), so it goes below zero
      const wallet = await waitFor('the customer wallet', async () => {
        const answer = await api('GET', `/v1/wallets?ownerType=customer&ownerId=${customer.id}`, world.admin);
        return (answer.body.items as { id: string }[] | undefined)?.[0];
      });
      world.walletId = wallet.id;
      const limit = await api('PATCH', `/v1/wallets/${wallet.id}`, world.admin, { creditLimit: '100.00', reason: 'e2e replicas' });
      expect(limit.status).toBe(200);
      // heartbeats through the gateway, to both registry replicas in turn, until the liveness test stops them
      const beat = async () => {
        while (heartbeating) {
          await Promise.all(world.runners.map((r) => api('POST', '/v1/runners/me/heartbeat', r.token, { version: '1.0.0' })));
          await new Promise((r) => setTimeout(r, 300));
        }
      };
      heartbeats = beat();
      await new Promise((r) => setTimeout(r, 500));
    }, 60_000);

    afterAll(async () => {
      heartbeating = false;
      await heartbeats;
    });

    it('has each job claimed exactly once while its runners long-poll on both registry replicas, and charged once', async () => {
      const claimed: string[] = [];
      let done = false;
      // each runner long-polls through the gateway, so its waits land on both replicas in turn
      const poll = async (runner: { token: string }) => {
        while (!done) {
          const claim = await api('POST', '/v1/runners/me/jobs/claim', runner.token, { waitSeconds: 2 });
          if (claim.status !== 200) continue;
          const jobId = claim.body.id as string;
          claimed.push(jobId);
          expect((await api('POST', `/v1/runners/me/jobs/${jobId}/start`, runner.token)).status).toBe(200);
          expect((await api('POST', `/v1/runners/me/jobs/${jobId}/complete`, runner.token, { units: '1', durationMs: 5 })).status).toBe(200);
        }
      };
      const pollers = world.runners.map(poll);
      await new Promise((r) => setTimeout(r, 500));

      const jobIds: string[] = [];
      for (let i = 0; i < JOBS; i += 1) {
        const job = await created(
          api('POST', '/v1/jobs', world.customerKey, { projectId: world.projectId, type: 'render', payload: { frame: i }, maxCost: { amount: '1.00', currency: 'EUR' } }, randomUUID()),
          'job',
        );
        jobIds.push(job.id);
      }
      await waitFor('every job claimed', async () => claimed.length >= JOBS, 60_000).finally(() => {
        done = true;
      });
      await Promise.all(pollers);

      expect([...claimed].sort()).toEqual([...jobIds].sort());
      for (const id of jobIds) expect(await eventsAbout('runner-registry', 'job.assigned', id)).toBe(1);
      // both registry replicas answered claims
      for (const replica of stack.replicas['runner-registry']) {
        expect(replica.lines.some((line) => line.includes('"url":"/v1/runners/me/jobs/claim"'))).toBe(true);
      }
      const charges = await waitFor('the charges', async () => {
        const answer = await api('GET', `/v1/wallets/${world.walletId}/transactions?type=charge&limit=100`, world.customerKey);
        const items = answer.body.items as unknown[] | undefined;
        return items && items.length >= JOBS ? items : undefined;
      });
      expect(charges).toHaveLength(JOBS);
      for (const id of jobIds) expect(await eventsAbout('billing', 'wallet.charged', id)).toBe(1);
    }, 90_000);

    it('has the hold sweeper on both billing replicas release an expired hold once', async () => {
      const job = await created(
        api('POST', '/v1/jobs', world.customerKey, { projectId: world.projectId, type: 'render', payload: { unclaimed: true }, maxCost: { amount: '1.00', currency: 'EUR' } }, randomUUID()),
        'job',
      );
      await waitFor('the hold', async () => (await query('billing', `SELECT 1 FROM hold WHERE reference_id = $1 AND status = 'pending'`, [job.id])).length > 0);

      await query('billing', `UPDATE hold SET expires_at = now() - interval '1 second' WHERE reference_id = $1`, [job.id]);
      await waitFor('the release', async () => (await eventsAbout('billing', 'wallet.hold_released', job.id)) > 0);
      // several more passes of both sweepers
      await new Promise((r) => setTimeout(r, 1_000));

      expect(await eventsAbout('billing', 'wallet.hold_released', job.id)).toBe(1);
      const releases = await query<{ n: string }>(
        'billing',
        `SELECT count(*) AS n FROM ledger_entry e JOIN hold h ON h.id = e.hold_id WHERE h.reference_id = $1 AND e.type = 'hold_release'`,
        [job.id],
      );
      expect(Number(releases[0]?.n)).toBe(1);
      const [hold] = await query<{ status: string }>('billing', `SELECT status FROM hold WHERE reference_id = $1`, [job.id]);
      expect(hold?.status).toBe('expired');
    }, 30_000);

    it('has the overdue check on both billing replicas remind a wallet long below zero once', async () => {
      const [wallet] = await query<{ balance: string }>('billing', `SELECT balance::text AS balance FROM wallet WHERE id = $1`, [world.walletId]);
      expect(BigInt(wallet?.balance ?? '0')).toBeLessThan(0n);

      await query('billing', `UPDATE wallet SET overdue_since = now() - interval '8 days' WHERE id = $1`, [world.walletId]);
      await waitFor('the reminder', async () => (await eventsAbout('billing', 'wallet.overdue_reminder', world.walletId)) > 0);
      await new Promise((r) => setTimeout(r, 1_000));

      expect(await eventsAbout('billing', 'wallet.overdue_reminder', world.walletId)).toBe(1);
      const [after] = await query<{ overdue_stage: string }>('billing', `SELECT overdue_stage FROM wallet WHERE id = $1`, [world.walletId]);
      expect(after?.overdue_stage).toBe('reminded');
    }, 30_000);

    it('has the commission approval on both billing replicas credit each commission once', async () => {
      await waitFor('the commissions', async () => {
        const rows = await query<{ n: string }>('billing', `SELECT count(*) AS n FROM commission WHERE reseller_id = $1 AND kind = 'earning'`, [world.resellerId]);
        return Number(rows[0]?.n) >= JOBS;
      });

      await query('billing', `UPDATE commission SET earned_at = earned_at - interval '30 days' WHERE reseller_id = $1`, [world.resellerId]);
      await waitFor('the approvals', async () => {
        const rows = await query<{ n: string }>('billing', `SELECT count(*) AS n FROM commission WHERE reseller_id = $1 AND status = 'pending'`, [world.resellerId]);
        return Number(rows[0]?.n) === 0;
      });
      await new Promise((r) => setTimeout(r, 1_000));

      const perCommission = await query<{ id: string; amount: string; entries: string }>(
        'billing',
        `SELECT c.id, c.amount::text AS amount, (SELECT count(*) FROM ledger_entry e WHERE e.reference_id = c.id::text AND e.type = 'commission') AS entries
           FROM commission c WHERE c.reseller_id = $1`,
        [world.resellerId],
      );
      expect(perCommission).toHaveLength(JOBS);
      expect(perCommission.map((c) => Number(c.entries))).toEqual(Array(JOBS).fill(1));
      const [earnings] = await query<{ balance: string }>('billing', `SELECT balance::text AS balance FROM wallet WHERE owner_type = 'reseller' AND owner_id = $1`, [world.resellerId]);
      expect(BigInt(earnings?.balance ?? '0')).toBe(perCommission.reduce((sum, c) => sum + BigInt(c.amount), 0n));
    }, 30_000);

    it('has the liveness sweeper on both registry replicas mark each silent runner stale and offline once', async () => {
      heartbeating = false;
      await heartbeats;

      await waitFor(
        'every runner offline',
        async () => (await Promise.all(world.runners.map((r) => eventsAbout('runner-registry', 'runner.offline', r.id)))).every((n) => n > 0),
        15_000,
      );
      // several more passes of both sweepers
      await new Promise((r) => setTimeout(r, 1_500));

      for (const runner of world.runners) {
        expect(await eventsAbout('runner-registry', 'runner.stale', runner.id)).toBe(1);
        expect(await eventsAbout('runner-registry', 'runner.offline', runner.id)).toBe(1);
      }
    }, 30_000);

    it('keeps answering through the gateway when one replica of every service is killed, running each POST once', async () => {
      const backends: ServiceName[] = ['reseller', 'billing', 'runner-registry', 'notifications'];
      for (const name of backends) {
        const second = stack.replicas[name][1]!;
        second.child.kill('SIGKILL');
        await second.exited;
      }

      const reads = ['/v1/me', `/v1/wallets/${world.walletId}`, '/v1/jobs', '/v1/feed'];
      const statuses: number[] = [];
      for (let round = 0; round < 3; round += 1) {
        for (const path of reads) statuses.push((await api('GET', path, world.customerKey)).status);
      }
      const names = Array.from({ length: 4 }, (_, i) => `after-kill-${randomUUID()}-${i}`);
      for (const name of names) statuses.push((await api('POST', '/v1/projects', world.customerKey, { name }, randomUUID())).status);
      // a POST without Idempotency-Key: its small body is held so a refused connection moves it on
      statuses.push((await api('POST', '/v1/runners/me/heartbeat', world.runners[0]!.token, { version: '1.0.0' })).status);

      expect(statuses).toEqual([...Array(12).fill(200), ...Array(4).fill(201), 200]);
      const projects = await query<{ name: string }>('reseller', 'SELECT name FROM project WHERE name = ANY($1)', [names]);
      expect(projects.map((p) => p.name).sort()).toEqual([...names].sort());

      // back up for the graceful-stop checks
      for (const name of backends) {
        const dead = stack.replicas[name][1]!;
        const restarted = startProcess(name, dead.env, dead.port);
        stack.replicas[name][1] = restarted;
        await waitForReady(restarted.url);
      }
    }, 60_000);

    it('leaves no outbox row unpublished: the relays of both replicas shared every table', async () => {
      const services: ServiceName[] = ['reseller', 'billing', 'runner-registry', 'notifications'];
      const unpublished = async () =>
        Object.fromEntries(
          await Promise.all(
            services.map(async (service) => [service, Number((await query<{ n: string }>(service, 'SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL'))[0]?.n)] as const),
          ),
        );
      const left = await waitFor('every outbox row published', async () => {
        const counts = await unpublished();
        return Object.values(counts).every((n) => n === 0) ? counts : undefined;
      }).catch(unpublished);

      expect(left).toEqual({ reseller: 0, billing: 0, 'runner-registry': 0, notifications: 0 });
    }, 30_000);
  });

  // Last: it stops every process, one at a time.
  describeGracefulStop(context, running.adminKey);
});
