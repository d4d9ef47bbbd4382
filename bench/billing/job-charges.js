#!/usr/bin/env node
// job.completed → charge, exactly once, billing alone (issue 15 "Speed"): N job.completed are
// pre-published for N pending holds, then billing's jobs consumer (inbox, hold lock, wallet
// lock, ledger entries, outbox) is started in process and timed until every hold is posted. Beside
// it, in the same run and on the same database, the bare ceilings: one charge per transaction
// (lock the wallet, update it, insert one ledger row) and set-based charges, 100 per transaction.
// Goals: ≥ 2× the bare one-per-transaction rate and ≥ 25 % of the set-based rate.
// Then latency: with billing running, job.completed are published at a paced quarter of the rate
// just measured, and each one's time to its wallet.charged (consumer, commit, relay, broker) is read
// from an observer queue bound to wallet.charged; goal p99 < 50 ms.
// Needs the build (`pnpm exec tsc -b`), the local PostgreSQL and RabbitMQ; makes and drops its own
// database and vhost.
//
//   node bench/billing/job-charges.js [--jobs 3000] [--wallets 100] [--rounds 3] [--concurrency 8] [--paced-seconds 8]
'use strict';

const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { createRequire } = require('node:module');
const { parseArgs } = require('node:util');

const SERVICE_DIR = path.resolve(__dirname, '../../services/billing');
const serviceRequire = createRequire(path.join(SERVICE_DIR, 'package.json'));
const dist = (file) => require(path.join(SERVICE_DIR, 'dist', file));
const { Pool, Client } = serviceRequire('pg');
const { createMessaging } = serviceRequire('@runfleet/messaging');
const { createLogger, createMetrics } = serviceRequire('@runfleet/service-kit');
const amqp = createRequire(path.resolve(__dirname, '../../packages/messaging/package.json'))('amqplib');

const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MGMT_URL = process.env.BENCH_RABBIT_MGMT_URL ?? 'http://127.0.0.1:15672';

const { values: opts } = parseArgs({
  options: {
    jobs: { type: 'string', default: '3000' },
    wallets: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    'paced-seconds': { type: 'string', default: '8' },
  },
});
const JOBS = Number(opts.jobs);
const WALLETS = Number(opts.wallets);
const ROUNDS = Number(opts.rounds);
const CONCURRENCY = Number(opts.concurrency);
const PACED_SECONDS = Number(opts['paced-seconds']);
const silent = createLogger({ service: 'bench', level: 'silent' });

async function management(method, urlPath, body) {
  const res = await fetch(`${MGMT_URL}${urlPath}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && res.status !== 404) throw new Error(`${method} ${urlPath}: ${res.status}`);
}

async function withDatabase(fn) {
  const name = `bench_billing_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    await dist('migrate.js').migrate(url.toString());
    return await fn(url.toString(), name);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function seedWallets(pool) {
  const { rows } = await pool.query(
    `INSERT INTO "wallet" ("owner_type", "owner_id", "currency", "balance")
     SELECT 'customer', gen_random_uuid(), 'EUR', 1000000000000 FROM generate_series(1, $1) RETURNING "id", "owner_id"`,
    [WALLETS],
  );
  return rows;
}

/** Bare ceiling 1: one charge per transaction under the wallet's row lock. */
async function bareOnePerTransaction(pool, wallets, n) {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const client = await pool.connect();
      try {
        while (next < n) {
          const i = next++;
          const wallet = wallets[i % wallets.length].id;
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
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Bare ceiling 2: set-based, 100 charges per transaction (one UPDATE, one INSERT … SELECT). */
async function bareSetBased(pool, wallets, n) {
  const batches = Math.ceil(n / 100);
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const client = await pool.connect();
      try {
        while (next < batches) {
          next += 1;
          const ids = Array.from({ length: 100 }, (_, k) => wallets[(next * 100 + k) % wallets.length].id).sort();
          const keys = ids.map(() => `bare100:${randomUUID()}`);
          await client.query('BEGIN');
          // wallets locked in id order, so concurrent batches never deadlock
          await client.query('SELECT 1 FROM "wallet" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE', [ids]);
          await client.query(
            `WITH c AS (SELECT w, count(*) AS n FROM unnest($1::uuid[]) AS w GROUP BY w ORDER BY w)
             UPDATE "wallet" SET "balance" = "balance" - 1000 * c.n FROM c WHERE "wallet"."id" = c.w`,
            [ids],
          );
          await client.query(
            `INSERT INTO "ledger_entry" ("wallet_id", "type", "amount", "balance_after", "reserved_after", "idempotency_key", "actor_type")
             SELECT w.id, 'charge', -1000, w."balance", w."reserved", k, 'bench' FROM unnest($1::uuid[], $2::text[]) AS x(id, k) JOIN "wallet" w ON w.id = x.id`,
            [ids, keys],
          );
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    }),
  );
  return (batches * 100) / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Billing's consumer on N pre-published job.completed; charges per second until every hold is posted. */
async function billingConsumer(url, pool, wallets, n) {
  const vhost = `bench_billing_${Date.now().toString(36)}`;
  await management('PUT', `/api/vhosts/${vhost}`);
  await management('PUT', `/api/permissions/${vhost}/guest`, { configure: '.*', write: '.*', read: '.*' });
  const amqpUrl = `${AMQP_URL}/${vhost}`;
  try {
    const { rows: [price] } = await pool.query(
      `INSERT INTO "price_list" ("job_type", "unit", "unit_price", "currency", "effective_from", "created_by")
       VALUES ('render', 'second', 10000, 'EUR', now() - interval '1 day', 'bench') RETURNING "id"`,
    );
    const jobs = await pendingHolds(pool, wallets, price.id, n);

    const { consumeJobs } = dist('messaging/jobs.consumer.js');
    // declare the queue, then publish everything before the consumer starts
    const first = createMessaging({ service: 'billing', amqpUrl, databaseUrl: url, logger: silent, registry: createMetrics('b1').registry });
    await (await consumeJobs(first, { now: () => new Date(), holdPolicy: { holdTtlMs: 86_400_000 } })).close();
    await first.close();
    const registry = createMessaging({ service: 'runner-registry', amqpUrl, logger: silent, registry: createMetrics('r').registry });
    await registry.publisher.waitForConnect();
    for (const job of jobs) await registry.publisher.publish(completed(registry, job));
    await registry.close();

    const billing = createMessaging({ service: 'billing', amqpUrl, databaseUrl: url, logger: silent, registry: createMetrics('b2').registry });
    billing.startRelay();
    const start = process.hrtime.bigint();
    await consumeJobs(billing, { now: () => new Date(), holdPolicy: { holdTtlMs: 86_400_000 } });
    for (;;) {
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "hold" WHERE "status" = 'pending'`);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const rate = n / (Number(process.hrtime.bigint() - start) / 1e9);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "ledger_entry" WHERE "type" = 'charge' AND "actor_type" = 'system'`);
    if (rows[0].n !== n) throw new Error(`expected ${n} charges, found ${rows[0].n}`);
    const latency = await pacedLatency(amqpUrl, pool, wallets, price.id, rate / 4);
    await billing.close();
    return { rate, latency };
  } finally {
    await management('DELETE', `/api/vhosts/${vhost}`);
  }
}

function completed(registry, job) {
  return registry.envelope('job.completed', {
    jobId: job.jobId, projectId: randomUUID(), customerId: job.wallet.owner_id, resellerId: null, type: 'render',
    runnerId: randomUUID(), attempt: 1, usage: { units: '93.5', durationMs: 93_500 },
  });
}

/** N pending holds of 5 (max cost) spread over the wallets, their reserved brought in line. */
async function pendingHolds(pool, wallets, priceId, n) {
  const jobs = Array.from({ length: n }, (_, i) => ({ jobId: randomUUID(), wallet: wallets[i % wallets.length] }));
  await pool.query(
    `INSERT INTO "hold" ("wallet_id", "amount", "reference_kind", "reference_id", "job_type", "price_list_id", "expires_at")
     SELECT w, 5000000, 'job', j, 'render', $3, now() + interval '1 day' FROM unnest($1::uuid[], $2::text[]) AS x(w, j)`,
    [jobs.map((j) => j.wallet.id), jobs.map((j) => j.jobId), priceId],
  );
  await pool.query(`UPDATE "wallet" w SET "reserved" = h.total FROM (SELECT "wallet_id", sum("amount") AS total FROM "hold" WHERE "status" = 'pending' GROUP BY "wallet_id") h WHERE w.id = h.wallet_id`);
  return jobs;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * With billing running: job.completed published at `perSecond` (paced in 5 ms ticks) for
 * PACED_SECONDS; each one's latency is the time from its publish to its wallet.charged reaching an
 * observer queue (consumer, commit, relay, broker). Returns p50/p99/max in ms.
 */
async function pacedLatency(amqpUrl, pool, wallets, priceId, perSecond) {
  const total = Math.max(1, Math.round(perSecond * PACED_SECONDS));
  const jobs = await pendingHolds(pool, wallets, priceId, total);
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, 'runfleet.events', 'wallet.charged');
  const received = new Map();
  await channel.consume(queue, (msg) => {
    if (msg) received.set(JSON.parse(msg.content.toString('utf8')).data.reference.id, Date.now());
  }, { noAck: true });
  const registry = createMessaging({ service: 'runner-registry', amqpUrl, logger: silent, registry: createMetrics('r2').registry });
  await registry.publisher.waitForConnect();
  const envelopes = jobs.map((job) => completed(registry, job));
  const sent = new Map();
  const confirms = [];
  const start = performance.now();
  for (let i = 0; i < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * perSecond) + 1);
    for (; i < due; i += 1) {
      sent.set(jobs[i].jobId, Date.now());
      confirms.push(registry.publisher.publish(envelopes[i]));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(confirms);
  const deadline = Date.now() + 60_000;
  while (received.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await registry.close();
  await connection.close();
  if (received.size < total) throw new Error(`only ${received.size} of ${total} wallet.charged arrived`);
  const latencies = jobs.map((j) => received.get(j.jobId) - sent.get(j.jobId)).sort((a, b) => a - b);
  // Where the time goes, from the outbox row of each wallet.charged: created_at is its transaction's
  // start, published_at the relay's claim (millisecond clocks, same machine).
  const { rows } = await pool.query(
    `SELECT "envelope"->'data'->'reference'->>'id' AS job, extract(epoch FROM "created_at") * 1000 AS created, extract(epoch FROM "published_at") * 1000 AS published
     FROM "outbox_event" WHERE "type" = 'wallet.charged' AND "envelope"->'data'->'reference'->>'id' = ANY($1::text[])`,
    [jobs.map((j) => j.jobId)],
  );
  const part = (f) => percentile(rows.map(f).sort((a, b) => a - b), 50);
  const parts = {
    toTransaction: part((r) => Number(r.created) - sent.get(r.job)),
    transactionToClaim: part((r) => Number(r.published) - Number(r.created)),
    claimToObserver: part((r) => received.get(r.job) - Number(r.published)),
  };
  return { perSecond, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1], parts };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const results = { bare1: [], bare100: [], billing: [], p99: [] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    let latency;
    await withDatabase(async (url) => {
      const pool = new Pool({ connectionString: url, max: CONCURRENCY + 2 });
      // an idle client dropped by the server (the database is dropped with FORCE at the end) must not crash the run
      pool.on('error', () => undefined);
      try {
        const wallets = await seedWallets(pool);
        results.bare1.push(await bareOnePerTransaction(pool, wallets, JOBS));
        results.bare100.push(await bareSetBased(pool, wallets, JOBS));
        const consumer = await billingConsumer(url, pool, wallets, JOBS);
        results.billing.push(consumer.rate);
        results.p99.push(consumer.latency.p99);
        latency = consumer.latency;
      } finally {
        await pool.end();
      }
    });
    const r = (k) => Math.round(results[k][results[k].length - 1]);
    console.log(
      `round ${round}: bare 1/tx ${r('bare1')}/s, bare 100/tx ${r('bare100')}/s, billing consumer ${r('billing')}/s; ` +
        `at ${Math.round(latency.perSecond)}/s job.completed → wallet.charged p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms ` +
        `(medians: publish → transaction start ${latency.parts.toTransaction.toFixed(0)} ms, → relay claim ${latency.parts.transactionToClaim.toFixed(0)} ms, → observer ${latency.parts.claimToObserver.toFixed(0)} ms)`,
    );
  }
  const m = { bare1: median(results.bare1), bare100: median(results.bare100), billing: median(results.billing), p99: median(results.p99) };
  console.log(
    `median of ${ROUNDS}: bare 1/tx ${Math.round(m.bare1)}/s, bare 100/tx ${Math.round(m.bare100)}/s, billing ${Math.round(m.billing)}/s ` +
      `= ${(m.billing / m.bare1).toFixed(2)}× bare 1/tx (goal ≥ 2×), ${((100 * m.billing) / m.bare100).toFixed(1)} % of set-based (goal ≥ 25 %); ` +
      `p99 at a quarter of capacity ${m.p99.toFixed(1)} ms (goal < 50 ms)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
