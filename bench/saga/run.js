#!/usr/bin/env node
// bench/saga (issue 18 "Speed" and "Memory"): the full job saga through the gateway — submit →
// hold → queued → claim → start → complete → charged — with the five services as built processes
// (e2e/support/stack.ts: own databases, own vhost, free ports) and --runners simulated runners
// (async loops in this process, each registered with a shared registration token, long-polling
// claims through the gateway).
// Per round, on the same stack:
//   saga      jobs submitted for --seconds by --submitters concurrent loops (spread over --customers
//             funded wallets; at least --min-jobs); jobs/s from the first submit to the last
//             wallet.charged (seen on an observer queue bound to wallet.charged), and CPU per job: the CPU time (user + system,
//             /proc/<pid>/stat) of the service processes, and beside it that of the local
//             PostgreSQL, RabbitMQ and Redis processes (shared with whatever else runs on the machine);
//             the parts counted per job: PostgreSQL transactions (pg_stat_database of the four
//             databases), confirmed publishes (outbox rows published) and proxied requests (this client's);
//   bare      the same parts measured bare in the same round, as CPU per operation of the processes
//             doing them: a PostgreSQL transaction (lock a wallet, update it, insert a ledger row:
//             bench/billing's bare 1/tx), a confirmed publish (amqplib confirm channel, 64 in flight)
//             and a proxied request (bench/gateway/bare-proxy.js in front of a node:http upstream);
//   paced     jobs submitted at a third of the rate just measured for --paced-seconds; each one's
//             time from submit to its wallet.charged (p50, p99, max per round, and p50 / p99 over
//             every round's paced jobs together: one round's p99 rests on its slowest 1 %), and
//             where that time went: each stage's lag (p50 / p99) from the outbox rows' created_at
//             and published_at in the registry's and billing's databases.
// Before the rounds, each idle service's RSS (VmRSS) --settle-seconds after it is ready.
// Needs the build (`pnpm exec tsc -b`) and the local PostgreSQL, Redis and RabbitMQ.
//
//   node bench/saga/run.js [--seconds 10] [--min-jobs 100] [--runners 50] [--customers 10] [--submitters 16]
//                          [--rounds 3] [--paced-seconds 20] [--settle-seconds 5] [--own-rabbitmq]
// --own-rabbitmq runs the stack on a RabbitMQ node of the bench's own (packages/test-infra
// startOwnRabbitmq) instead of a vhost of the machine's shared broker.
'use strict';

const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = path.resolve(__dirname, '../..');
// stack.ts is TypeScript: load it the way the workspace's child fixtures do (swc on require)
require(path.join(ROOT, 'packages/test-infra/register-ts.js'));
const { startStack, createAdminKey, freePort } = require(path.join(ROOT, 'e2e/support/stack.ts'));
const { startOwnRabbitmq } = require(path.join(ROOT, 'packages/test-infra/src/index.ts'));
const fromGateway = (id) => require(require.resolve(id, { paths: [path.join(ROOT, 'services/api-gateway')] }));
const undici = fromGateway('undici');
const autocannon = fromGateway('autocannon');
const { Client, Pool } = require(require.resolve('pg', { paths: [path.join(ROOT, 'services/billing')] }));
const amqp = require(require.resolve('amqplib', { paths: [path.join(ROOT, 'packages/messaging')] }));

const OPTIONS = {
  seconds: { type: 'string', default: '10' },
  'min-jobs': { type: 'string', default: '100' },
  runners: { type: 'string', default: '50' },
  customers: { type: 'string', default: '10' },
  submitters: { type: 'string', default: '16' },
  rounds: { type: 'string', default: '3' },
  'paced-seconds': { type: 'string', default: '20' },
  'settle-seconds': { type: 'string', default: '5' },
  'own-rabbitmq': { type: 'boolean', default: false },
};
const USAGE =
  'usage: node bench/saga/run.js [--seconds 10] [--min-jobs 100] [--runners 50] [--customers 10] [--submitters 16]\n' +
  '                              [--rounds 3] [--paced-seconds 20] [--settle-seconds 5] [--own-rabbitmq]';
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
let args;
try {
  ({ values: args } = parseArgs({ options: OPTIONS }));
} catch (err) {
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}
const SECONDS = Number(args.seconds);
const MIN_JOBS = Number(args['min-jobs']);
const RUNNERS = Number(args.runners);
const CUSTOMERS = Number(args.customers);
const SUBMITTERS = Number(args.submitters);
const ROUNDS = Number(args.rounds);
const PACED_SECONDS = Number(args['paced-seconds']);
const SETTLE_SECONDS = Number(args['settle-seconds']);
const BARE_OPS = { tx: 3000, publish: 5000, proxySeconds: 3 };
const UNIT_PRICE = '0.001000';
const SERVICE_ENV = {
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '100000000',
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each service there (on its exit), to see where time goes
  ...(process.env.BENCH_CPU_PROF ? { NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile.js')}`, BENCH_CPU_PROF: process.env.BENCH_CPU_PROF } : {}),
};

const log = (line) => process.stderr.write(`  ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- /proc readings (Linux) -------------------------------------------------------------------

const TICKS = 100; // USER_HZ

/** CPU seconds (user + system) of one process so far; 0 when it is gone. */
function cpuOf(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

function rssMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** pids of the local infrastructure's processes, by command name. */
function infraPids() {
  const groups = { postgres: [], rabbitmq: [], redis: [] };
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm;
    try {
      comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === 'postgres' || comm.startsWith('postgres:')) groups.postgres.push(entry);
    else if (comm === 'beam.smp' || comm === 'erl_child_setup' || comm === 'epmd') groups.rabbitmq.push(entry);
    else if (comm.startsWith('redis-server')) groups.redis.push(entry);
  }
  return groups;
}

/**
 * CPU seconds so far of the given service pids, of each infrastructure group (backends started
 * since are found afresh; those that exited between two readings are lost, which undercounts
 * PostgreSQL a little) and of the whole machine (/proc/stat, every process of every user).
 */
function cpuSnapshot(servicePids) {
  const infra = infraPids();
  const sum = (pids) => pids.reduce((total, pid) => total + cpuOf(pid), 0);
  const machineFields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
  const busy = machineFields.slice(0, 8).reduce((a, b) => a + b, 0) - machineFields[3] - machineFields[4];
  return {
    services: sum(servicePids),
    postgres: sum(infra.postgres),
    rabbitmq: sum(infra.rabbitmq),
    redis: sum(infra.redis),
    bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    machine: busy / TICKS,
    pids: infra,
  };
}

function cpuDelta(before, after) {
  return {
    services: after.services - before.services,
    postgres: after.postgres - before.postgres,
    rabbitmq: after.rabbitmq - before.rabbitmq,
    redis: after.redis - before.redis,
    bench: after.bench - before.bench,
    machine: after.machine - before.machine,
  };
}

// ---- HTTP through the gateway ----------------------------------------------------------------

let agent;
let gateway;

async function call(method, route, credential, body, idempotencyKey = method === 'POST' ? randomUUID() : undefined) {
  const headers = { authorization: `Bearer ${credential}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const response = await undici.request(`${gateway}${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: agent,
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? JSON.parse(text) : undefined, text };
}

async function post(route, credential, body, expected = 201) {
  const answer = await call('POST', route, credential, body);
  if (answer.status !== expected) throw new Error(`POST ${route}: ${answer.status} ${answer.text.slice(0, 300)}`);
  return answer.body;
}

let requestsSent = 0;
let submitRetries = 0;

/**
 * Submits a job as a client should: a 5xx is retried with the same Idempotency-Key (at most 5
 * times). Under saturation the registry answers some submits 500 (its Prisma transaction waits
 * more than 2 s for a pooled connection; docs/benchmarks.md, "Saga"): counted and printed.
 */
async function submitJob(customer, n) {
  const key = randomUUID();
  const body = { projectId: customer.projectId, type: 'render', payload: { n }, maxCost: { amount: '1.00', currency: 'EUR' } };
  for (let attempt = 1; ; attempt += 1) {
    const answer = await call('POST', '/v1/jobs', customer.key, body, key);
    requestsSent += 1;
    if (answer.status === 201) return answer.body;
    if (answer.status < 500 || attempt === 5) throw new Error(`POST /v1/jobs: ${answer.status} ${answer.text.slice(0, 300)}`);
    submitRetries += 1;
  }
}

// ---- the world ---------------------------------------------------------------------------------

async function buildWorld(stack) {
  const admin = createAdminKey(stack);
  const reseller = await post('/v1/resellers', admin, { name: 'Bench', email: 'bench@example.com', commissionRateBps: 1000 });
  const resellerKey = (await post('/v1/api-keys', admin, { name: 'bench', ownerType: 'reseller', ownerId: reseller.id })).key;
  await post('/v1/price-lists', admin, { jobType: 'render', unit: 'second', unitPrice: UNIT_PRICE, currency: 'EUR' });
  const customers = [];
  for (let i = 0; i < CUSTOMERS; i += 1) {
    const customer = await post('/v1/customers', resellerKey, { name: `Bench ${i}`, email: `bench+${i}-${randomUUID().slice(0, 6)}@example.com` });
    const key = (await post('/v1/api-keys', resellerKey, { name: `c${i}`, ownerType: 'customer', ownerId: customer.id })).key;
    const projectId = (await post('/v1/projects', key, { name: 'bench' })).id;
    customers.push({ id: customer.id, key, projectId });
  }
  for (const customer of customers) {
    // billing opens the wallet on customer.created
    for (;;) {
      const items = (await call('GET', '/v1/wallets', customer.key)).body?.items ?? [];
      if (items.length === 1) {
        customer.walletId = items[0].id;
        break;
      }
      await sleep(100);
    }
    await post(`/v1/wallets/${customer.walletId}/credits`, resellerKey, { amount: '1000000.00', currency: 'EUR', reason: 'bench' });
  }
  const registration = await post('/v1/registration-tokens', admin, { description: 'bench runners', maxUses: RUNNERS });
  const runners = [];
  for (let i = 0; i < RUNNERS; i += 1) {
    const runner = await post('/v1/runners', registration.token, { name: `bench-${i}`, jobTypes: ['render'], capacity: 1, version: '1.0.0' });
    runners.push({ token: runner.token, completed: 0 });
  }
  return { customers, runners };
}

/**
 * A runner: heartbeats every 5 s on a loop of its own (as a runner process would: a slow claim or
 * completion on a loaded machine must not make it miss two intervals and go stale), and long-polls
 * for a job, starts and completes it, again and again. A claim refused because the runner was
 * marked stale meanwhile waits for its next heartbeat (counted and printed).
 */
let staleClaims = 0;
function startRunners(runners) {
  let stopping = false;
  const beats = runners.map(async (runner) => {
    while (!stopping) {
      await post('/v1/runners/me/heartbeat', runner.token, { version: '1.0.0', jobsRunning: 0, freeCapacity: 1 }, 200);
      requestsSent += 1;
      for (let waited = 0; waited < 5000 && !stopping; waited += 250) await sleep(250);
    }
  });
  const loops = runners.map(async (runner) => {
    while (!stopping) {
      const claim = await call('POST', '/v1/runners/me/jobs/claim', runner.token, { waitSeconds: 2 });
      requestsSent += 1;
      if (claim.status === 204) continue;
      if (claim.status === 409 && claim.body?.code === 'RUNNER_NOT_ACTIVE') {
        staleClaims += 1;
        await sleep(1000);
        continue;
      }
      if (claim.status !== 200) throw new Error(`claim: ${claim.status} ${claim.text}`);
      const id = claim.body.id;
      await post(`/v1/runners/me/jobs/${id}/start`, runner.token, {}, 200);
      await post(`/v1/runners/me/jobs/${id}/complete`, runner.token, { units: '10', durationMs: 10_000 }, 200);
      requestsSent += 2;
      runner.completed += 1;
    }
  });
  return async () => {
    stopping = true;
    await Promise.all([...beats, ...loops]);
  };
}

// ---- observing charges ---------------------------------------------------------------------------

async function observeCharges(vhostUrl) {
  const connection = await amqp.connect(vhostUrl);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, 'runfleet.events', 'wallet.charged');
  const waiters = new Map();
  const seen = new Map();
  const seenWall = new Map();
  await channel.consume(
    queue,
    (message) => {
      const at = performance.now();
      const envelope = JSON.parse(message.content.toString('utf8'));
      const jobId = envelope.data?.reference?.id;
      seen.set(jobId, at);
      seenWall.set(jobId, Date.now());
      waiters.get(jobId)?.(at);
      waiters.delete(jobId);
    },
    { noAck: true },
  );
  return {
    /** resolves with the time (performance.now()) the job's wallet.charged arrived */
    charged(jobId) {
      if (seen.has(jobId)) return Promise.resolve(seen.get(jobId));
      return new Promise((resolve) => waiters.set(jobId, resolve));
    },
    /** when (Date.now()) the job's wallet.charged arrived here */
    chargedWallClock: (jobId) => seenWall.get(jobId),
    close: () => connection.close(),
  };
}

// ---- where a job's time goes: each stage's lag, from the outbox rows --------------------------------

// Each step of the saga commits one event to its service's outbox; `created_at` is its
// transaction's start, `published_at` when the relay's confirm came back. The gaps between them
// say which stage a job waited in: a relay, a consumer, a runner's claim.
const STAGES = [
  ['submit committed → job.submitted published (registry relay)', 'submitted.created', 'submitted.published'],
  ['→ hold placed (billing consumer)', 'submitted.published', 'hold.created'],
  ['hold placed → published (billing relay)', 'hold.created', 'hold.published'],
  ['→ job.queued (registry holds consumer)', 'hold.published', 'queued.created'],
  ['queued → claimed (job.assigned)', 'queued.created', 'assigned.created'],
  ['claimed → started (runner)', 'assigned.created', 'started.created'],
  ['started → completed (runner)', 'started.created', 'completed.created'],
  ['completed → published (registry relay)', 'completed.created', 'completed.published'],
  ['→ charged (billing jobs consumer)', 'completed.published', 'charged.created'],
  ['charged → published (billing relay)', 'charged.created', 'charged.published'],
  ['→ seen by the bench', 'charged.published', 'observed'],
];

async function stageTimes(stack, observer, jobIds) {
  const moments = new Map(jobIds.map((id) => [id, {}]));
  const read = async (url, sql) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, [jobIds])).rows;
    } finally {
      await client.end();
    }
  };
  const short = { 'job.submitted': 'submitted', 'job.queued': 'queued', 'job.assigned': 'assigned', 'job.started': 'started', 'job.completed': 'completed', 'wallet.hold_placed': 'hold', 'wallet.charged': 'charged' };
  const rows = [
    ...(await read(
      stack.databases['runner-registry'].url,
      `SELECT type, envelope->'data'->>'jobId' AS job, extract(epoch FROM created_at) * 1000 AS created, extract(epoch FROM published_at) * 1000 AS published
         FROM outbox_event WHERE type IN ('job.submitted', 'job.queued', 'job.assigned', 'job.started', 'job.completed') AND envelope->'data'->>'jobId' = ANY ($1)`,
    )),
    ...(await read(
      stack.databases.billing.url,
      `SELECT type, envelope->'data'->'reference'->>'id' AS job, extract(epoch FROM created_at) * 1000 AS created, extract(epoch FROM published_at) * 1000 AS published
         FROM outbox_event WHERE type IN ('wallet.hold_placed', 'wallet.charged') AND envelope->'data'->'reference'->>'id' = ANY ($1)`,
    )),
  ];
  for (const row of rows) {
    const m = moments.get(row.job);
    m[`${short[row.type]}.created`] = Number(row.created);
    if (row.published !== null) m[`${short[row.type]}.published`] = Number(row.published);
  }
  for (const id of jobIds) moments.get(id).observed = observer.chargedWallClock(id);
  return STAGES.map(([name, from, to]) => {
    const gaps = [...moments.values()].filter((m) => m[from] !== undefined && m[to] !== undefined).map((m) => m[to] - m[from]).sort((a, b) => a - b);
    const at = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))];
    return { name, jobs: gaps.length, p50: at(0.5), p99: at(0.99) };
  });
}

// ---- counts of the parts ----------------------------------------------------------------------------

async function partCounts(stack) {
  let transactions = 0;
  let published = 0;
  for (const db of Object.values(stack.databases)) {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const stat = await client.query('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
    transactions += Number(stat.rows[0].n);
    const outbox = await client.query('SELECT count(*) AS n FROM "outbox_event" WHERE "published_at" IS NOT NULL');
    published += Number(outbox.rows[0].n);
    await client.end();
  }
  // each reading above is itself two transactions per database, not the saga's
  return { transactions: transactions - 2 * Object.keys(stack.databases).length, published, requests: requestsSent };
}

// ---- the saga, at saturation and paced ----------------------------------------------------------

/** CPU seconds so far of each service (all its replicas). */
function cpuByService(stack) {
  return Object.fromEntries(Object.entries(stack.replicas).map(([name, list]) => [name, list.reduce((t, s) => t + cpuOf(s.child.pid), 0)]));
}

async function sagaAtSaturation(stack, world, observer, servicePids) {
  // pg_stat_database is flushed by each backend about once a second
  await sleep(1500);
  const countsBefore = await partCounts(stack);
  const retriesBefore = submitRetries;
  const cpuBefore = cpuSnapshot(servicePids);
  const byServiceBefore = cpuByService(stack);
  const started = performance.now();
  // submitting stops once --seconds have passed (and --min-jobs were sent): a round long enough
  // to be steady, whatever the machine's speed
  const until = started + SECONDS * 1000;
  let next = 0;
  const charged = [];
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async () => {
      while (performance.now() < until || next < MIN_JOBS) {
        const i = next++;
        const customer = world.customers[i % world.customers.length];
        const job = await submitJob(customer, i);
        charged.push(observer.charged(job.id));
      }
    }),
  );
  const jobs = next;
  const last = Math.max(...(await Promise.all(charged)));
  const cpu = cpuDelta(cpuBefore, cpuSnapshot(servicePids));
  const byServiceAfter = cpuByService(stack);
  const seconds = (last - started) / 1000;
  await sleep(1500);
  const countsAfter = await partCounts(stack);
  const per = (key) => (countsAfter[key] - countsBefore[key]) / jobs;
  return {
    jobs,
    seconds,
    jobsPerSecond: jobs / seconds,
    submitRetries: submitRetries - retriesBefore,
    cpuMsPerJob: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, (v * 1000) / jobs])),
    serviceCpuMsPerJob: Object.fromEntries(Object.keys(byServiceAfter).map((k) => [k, ((byServiceAfter[k] - byServiceBefore[k]) * 1000) / jobs])),
    perJob: { transactions: per('transactions'), published: per('published'), requests: per('requests') },
  };
}

async function sagaPaced(world, observer, rate) {
  const latencies = [];
  const jobIds = [];
  const inflight = [];
  const total = Math.max(1, Math.round(rate * PACED_SECONDS));
  const retriesBefore = submitRetries;
  const started = performance.now();
  for (let i = 0; i < total; i += 1) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    const customer = world.customers[i % world.customers.length];
    const sent = performance.now();
    inflight.push(
      submitJob(customer, i).then(async (job) => {
        jobIds.push(job.id);
        latencies.push((await observer.charged(job.id)) - sent);
      }),
    );
  }
  await Promise.all(inflight);
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { rate, jobs: total, jobIds, latencies, submitRetries: submitRetries - retriesBefore, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] };
}

// ---- the bare parts ----------------------------------------------------------------------------------

/** Bench/billing's bare 1/tx on the stack's billing database: lock a wallet, update it, insert a ledger row. */
async function bareTransactions(billingUrl) {
  const pool = new Pool({ connectionString: billingUrl, max: 8 });
  const { rows: wallets } = await pool.query(
    `INSERT INTO "wallet" ("owner_type", "owner_id", "currency", "balance")
     SELECT 'customer', gen_random_uuid(), 'EUR', 1000000000000 FROM generate_series(1, 100) RETURNING "id"`,
  );
  const before = cpuSnapshot([]);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      const client = await pool.connect();
      try {
        while (next < BARE_OPS.tx) {
          const wallet = wallets[next++ % wallets.length].id;
          await client.query('BEGIN');
          const { rows } = await client.query('SELECT "balance", "reserved" FROM "wallet" WHERE "id" = $1 FOR UPDATE', [wallet]);
          const after = BigInt(rows[0].balance) - 1000n;
          await client.query('UPDATE "wallet" SET "balance" = $2 WHERE "id" = $1', [wallet, after.toString()]);
          await client.query(
            `INSERT INTO "ledger_entry" ("wallet_id", "type", "amount", "balance_after", "reserved_after", "idempotency_key", "actor_type")
             VALUES ($1, 'charge', -1000, $2, $3, $4, 'bench')`,
            [wallet, after.toString(), rows[0].reserved, `bare1:${randomUUID()}`],
          );
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuDelta(before, cpuSnapshot([]));
  await pool.end();
  return { rate: BARE_OPS.tx / seconds, cpuMs: ((cpu.bench + cpu.postgres) * 1000) / BARE_OPS.tx };
}

/** Confirmed publishes of ~1 kB persistent messages (an event envelope's size) to a bound queue, 64 in flight. */
async function barePublishes(vhostUrl) {
  const connection = await amqp.connect(vhostUrl);
  const channel = await connection.createConfirmChannel();
  const { queue } = await channel.assertQueue(`bench.bare.${process.pid}`, { durable: true });
  await channel.bindQueue(queue, 'runfleet.events', 'bench.bare');
  const body = Buffer.from(JSON.stringify({ data: 'x'.repeat(900) }));
  const before = cpuSnapshot([]);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < BARE_OPS.publish) {
        next += 1;
        await new Promise((resolve, reject) =>
          channel.publish('runfleet.events', 'bench.bare', body, { persistent: true, contentType: 'application/json', messageId: randomUUID() }, (err) =>
            err ? reject(err) : resolve(),
          ),
        );
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuDelta(before, cpuSnapshot([]));
  await channel.deleteQueue(queue);
  await connection.close();
  return { rate: BARE_OPS.publish / seconds, cpuMs: ((cpu.bench + cpu.rabbitmq) * 1000) / BARE_OPS.publish };
}

/** bench/gateway/bare-proxy.js in front of a node:http upstream answering a small JSON body; 32 connections. */
async function bareProxied() {
  const upstreamPort = await freePort();
  const proxyPort = await freePort();
  const upstream = spawn(
    process.execPath,
    ['-e', `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(200, { 'content-type': 'application/json' }); s.end('{"id":"00000000-0000-0000-0000-000000000000","status":"queued"}'); }); }).listen(${upstreamPort}, '127.0.0.1')`],
    { stdio: 'ignore' },
  );
  const proxy = spawn(process.execPath, [path.join(ROOT, 'bench/gateway/bare-proxy.js')], {
    env: { ...process.env, PORT: String(proxyPort), UPSTREAM: `http://127.0.0.1:${upstreamPort}`, PRINCIPAL: 'bench' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        await fetch(`http://127.0.0.1:${proxyPort}/`);
        break;
      } catch {
        await sleep(100);
      }
    }
    const cpuBefore = cpuOf(upstream.pid) + cpuOf(proxy.pid);
    const result = await new Promise((resolve, reject) =>
      autocannon({ url: `http://127.0.0.1:${proxyPort}/v1/jobs`, method: 'POST', body: '{"type":"render"}', headers: { 'content-type': 'application/json' }, connections: 32, duration: BARE_OPS.proxySeconds }, (err, r) =>
        err ? reject(err) : resolve(r),
      ),
    );
    const cpu = cpuOf(upstream.pid) + cpuOf(proxy.pid) - cpuBefore;
    const total = result.requests.total;
    return { rate: total / BARE_OPS.proxySeconds, cpuMs: (cpu * 1000) / total };
  } finally {
    upstream.kill('SIGTERM');
    proxy.kill('SIGTERM');
  }
}

// ---- main ----------------------------------------------------------------------------------------------

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const load = os.loadavg()[0];
  agent = new undici.Agent({ connections: 256, keepAliveTimeout: 10_000 });
  log(`starting the stack (${os.cpus().length} CPUs, load average ${load.toFixed(1)})`);
  const ownRabbitmq = args['own-rabbitmq'] ? await startOwnRabbitmq() : null;
  const stack = await startStack('saga_bench', {
    ...(ownRabbitmq ? { infra: { amqpUrl: ownRabbitmq.url } } : {}),
    env: { 'api-gateway': SERVICE_ENV, reseller: SERVICE_ENV, billing: SERVICE_ENV, 'runner-registry': SERVICE_ENV, notifications: SERVICE_ENV },
  });
  gateway = stack.gatewayUrl;
  const rounds = [];
  let rss;
  let stopRunners = async () => {};
  let observer;
  try {
    await sleep(SETTLE_SECONDS * 1000);
    rss = Object.fromEntries(Object.entries(stack.services).map(([name, service]) => [name, rssMb(service.child.pid)]));
    log(`idle RSS: ${Object.entries(rss).map(([n, mb]) => `${n} ${mb.toFixed(0)} MB`).join(', ')}`);
    const servicePids = Object.values(stack.replicas).flat().map((s) => s.child.pid);
    const world = await buildWorld(stack);
    observer = await observeCharges(stack.vhost.url);
    stopRunners = startRunners(world.runners);
    await sleep(1000);
    for (let round = 1; round <= ROUNDS; round += 1) {
      const saga = await sagaAtSaturation(stack, world, observer, servicePids);
      log(`round ${round}: saga ${saga.jobsPerSecond.toFixed(0)} jobs/s (${saga.jobs} jobs; load average ${os.loadavg()[0].toFixed(1)})`);
      const bare = { tx: await bareTransactions(stack.databases.billing.url), publish: await barePublishes(stack.vhost.url), proxied: await bareProxied() };
      log(`round ${round}: bare tx ${bare.tx.rate.toFixed(0)}/s, publish ${bare.publish.rate.toFixed(0)}/s, proxied ${bare.proxied.rate.toFixed(0)}/s`);
      const paced = await sagaPaced(world, observer, Math.max(1, Math.round(saga.jobsPerSecond / 3)));
      log(`round ${round}: paced at ${paced.rate}/s p99 ${paced.p99.toFixed(0)} ms`);
      const stages = await stageTimes(stack, observer, paced.jobIds);
      rounds.push({ saga, bare, paced, stages });
    }
  } catch (err) {
    // the services' own words for a failure (they log at warn and above here)
    log(stack.allLines().slice(-20).join('\n  '));
    throw err;
  } finally {
    await stopRunners().catch((err) => log(`runners: ${err.message}`));
    await observer?.close().catch(() => {});
    await agent.close();
    await stack.stop();
    await ownRabbitmq?.destroy();
  }

  const bareSum = (r) => r.saga.perJob.transactions * r.bare.tx.cpuMs + r.saga.perJob.published * r.bare.publish.cpuMs + r.saga.perJob.requests * r.bare.proxied.cpuMs;
  const machineCpu = (r) => r.saga.cpuMsPerJob.services + r.saga.cpuMsPerJob.postgres + r.saga.cpuMsPerJob.rabbitmq + r.saga.cpuMsPerJob.redis;
  const out = [];
  out.push(`load average ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs; submitting ${SECONDS} s per round, ${RUNNERS} runners, ${CUSTOMERS} wallets, ${SUBMITTERS} submitters`);
  out.push('');
  out.push('idle RSS after start-up: ' + Object.entries(rss).map(([n, mb]) => `${n} ${mb.toFixed(0)} MB`).join(', '));
  out.push('');
  out.push('| round | saga (jobs in s) | CPU/job: services | + PG, RabbitMQ, Redis | machine (all processes) | per job: PG tx / publishes / proxied req | bare: PG tx | confirmed publish | proxied request | Σ bare per job | ratio | paced at | p50 | p99 | max |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  rounds.forEach((r, i) => {
    const c = r.saga.cpuMsPerJob;
    out.push(
      `| ${i + 1} | ${fmt(r.saga.jobsPerSecond)} jobs/s (${r.saga.jobs} in ${fmt(r.saga.seconds, 1)} s) | ${fmt(c.services, 1)} ms | ${fmt(machineCpu(r), 1)} ms (PG ${fmt(c.postgres, 1)}, Rabbit ${fmt(c.rabbitmq, 1)}, Redis ${fmt(c.redis, 1)}) | ${fmt(c.machine, 1)} ms | ` +
        `${fmt(r.saga.perJob.transactions, 1)} / ${fmt(r.saga.perJob.published, 1)} / ${fmt(r.saga.perJob.requests, 1)} | ` +
        `${fmt(r.bare.tx.rate)}/s, ${fmt(r.bare.tx.cpuMs, 2)} ms | ${fmt(r.bare.publish.rate)}/s, ${fmt(r.bare.publish.cpuMs, 2)} ms | ${fmt(r.bare.proxied.rate)}/s, ${fmt(r.bare.proxied.cpuMs, 2)} ms | ` +
        `${fmt(bareSum(r), 1)} ms | ${fmt(machineCpu(r) / bareSum(r), 2)}× | ${r.paced.rate}/s × ${PACED_SECONDS} s | ${fmt(r.paced.p50)} ms | ${fmt(r.paced.p99)} ms | ${fmt(r.paced.max)} ms |`,
    );
  });
  out.push(
    `| **median** | **${fmt(median(rounds.map((r) => r.saga.jobsPerSecond)))} jobs/s** | **${fmt(median(rounds.map((r) => r.saga.cpuMsPerJob.services)), 1)} ms** | **${fmt(median(rounds.map(machineCpu)), 1)} ms** | | | | | | **${fmt(median(rounds.map(bareSum)), 1)} ms** | **${fmt(median(rounds.map((r) => machineCpu(r) / bareSum(r))), 2)}×** | | | **${fmt(median(rounds.map((r) => r.paced.p99)))} ms** | |`,
  );
  const pooled = rounds.flatMap((r) => r.paced.latencies).sort((a, b) => a - b);
  const pooledAt = (p) => pooled[Math.min(pooled.length - 1, Math.floor(p * pooled.length))];
  out.push(`| **all paced jobs** (${pooled.length}) | | | | | | | | | | | | **${fmt(pooledAt(0.5))} ms** | **${fmt(pooledAt(0.99))} ms** | ${fmt(pooled[pooled.length - 1])} ms |`);
  out.push('');
  out.push('');
  out.push(`where a paced job's time goes (p50 / p99 per stage, ms; from the outbox rows' created_at and published_at), by round:`);
  out.push('');
  out.push(`| stage | ${rounds.map((_, i) => `round ${i + 1}`).join(' | ')} |`);
  out.push(`|---|${rounds.map(() => '---').join('|')}|`);
  STAGES.forEach(([name], s) => out.push(`| ${name} | ${rounds.map((r) => (r.stages[s].jobs > 0 ? `${fmt(r.stages[s].p50)} / ${fmt(r.stages[s].p99)}` : '–')).join(' | ')} |`));
  out.push('');
  out.push(`submits retried after a 5xx (same Idempotency-Key), by round: ${rounds.map((r) => `${r.saga.submitRetries} at saturation, ${r.paced.submitRetries} paced`).join('; ')}`);
  out.push(`claims refused because the runner had gone stale (missed heartbeats on the loaded machine): ${staleClaims}`);
  out.push('CPU per job by service (median): ' + Object.keys(rounds[0].saga.serviceCpuMsPerJob).map((k) => `${k} ${fmt(median(rounds.map((r) => r.saga.serviceCpuMsPerJob[k])), 1)} ms`).join(', '));
  process.stdout.write(`${out.join('\n')}\n`);
  const summary = rounds.map((r) => ({ ...r, paced: { ...r.paced, latencies: undefined, jobIds: undefined } }));
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify({ load, rss, rounds: summary }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
