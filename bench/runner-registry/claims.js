#!/usr/bin/env node
// Claim throughput (issue 14 "Speed"): the registry's claim use case (lock the runner, count what it
// holds, take the next compatible job with SKIP LOCKED, job.assigned to the outbox, commit) from
// `--runners` concurrent loops, beside a bare `SKIP LOCKED` claim statement from as many loops over
// the SAME pool in the same run. Goal: ≥ 50 % of the bare rate. In process (no HTTP), so it measures
// the claim itself, not the gateway. Needs the build (`npx tsc -b services/runner-registry`) and the
// local PostgreSQL; creates and drops its own database.
//
//   node bench/runner-registry/claims.js [--seconds 10] [--runners 50] [--jobs 50000] [--pool 10] [--rounds 3]
'use strict';

const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { createRequire } = require('node:module');
const { parseArgs } = require('node:util');

const SERVICE_DIR = path.resolve(__dirname, '../../services/runner-registry');
const serviceRequire = createRequire(path.join(SERVICE_DIR, 'package.json'));
const dist = (file) => require(path.join(SERVICE_DIR, 'dist', file));
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    runners: { type: 'string', default: '50' },
    jobs: { type: 'string', default: '50000' },
    pool: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
  },
});
const SECONDS = Number(opts.seconds);
const RUNNERS = Number(opts.runners);

async function measure(op, concurrency) {
  const deadline = Date.now() + SECONDS * 1000;
  let done = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      while (Date.now() < deadline) {
        if (await op(i)) done += 1;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const { Client } = serviceRequire('pg');
  const { pgTransactions } = serviceRequire('@runfleet/messaging');
  const name = `bench_claims_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    await dist('migrate').migrate(url.toString());
    const { prisma, pool } = dist('db').createDatabase(url.toString(), { poolMax: Number(opts.pool) });
    // DROP DATABASE … WITH (FORCE) at the end ends any connection still idle in the pool.
    pool.on('error', () => undefined);
    const { claimOnce } = dist('domain/runner-jobs');
    const runnerIds = [];
    for (let i = 0; i < RUNNERS; i += 1) {
      const id = randomUUID();
      runnerIds.push(id);
      await pool.query(
        `INSERT INTO runner (id, lookup_id, secret_hash, last4, name, job_types, labels, capacity, version, scope, registration_token_id)
         VALUES ($1, $2, 'x', 'xxxx', $3, ARRAY['render','encode'], '{"gpu":"a100"}', 1000000, '1', 'shared', $1)`,
        [id, `bench${String(i).padStart(7, '0')}`, `r${i}`],
      );
    }
    const customer = randomUUID();
    const project = randomUUID();
    const requeue = async () => {
      await pool.query('DELETE FROM job');
      await pool.query('DELETE FROM outbox_event');
      await pool.query(
        `INSERT INTO job (project_id, customer_id, type, payload, required_labels, priority, max_cost_micros, currency, timeout_seconds, max_attempts, status, queued_at)
         SELECT $1, $2, (ARRAY['render','encode'])[n % 2 + 1], '{}', CASE WHEN n % 3 = 0 THEN '{"gpu":"a100"}'::jsonb ELSE '{}'::jsonb END,
                n % 5, 1000000, 'EUR', 3600, 3, 'queued', now() - (n || ' ms')::interval
           FROM generate_series(1, $3::int) n`,
        [project, customer, Number(opts.jobs)],
      );
      await pool.query('VACUUM ANALYZE job');
    };
    const bare = async (i) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query(
          `UPDATE job SET status = 'assigned', runner_id = $1 WHERE id = (
             SELECT id FROM job WHERE status = 'queued' ORDER BY priority DESC, queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING id`,
          [runnerIds[i % RUNNERS]],
        );
        await client.query('COMMIT');
        return rows.length === 1;
      } finally {
        client.release();
      }
    };
    const deps = { prisma, now: () => new Date(), transactions: pgTransactions(pool) };
    const useCase = async (i) => (await claimOnce(deps, runnerIds[i % RUNNERS])).job !== null;

    const rounds = { bare: [], claim: [] };
    for (let round = 1; round <= Number(opts.rounds); round += 1) {
      await requeue();
      rounds.bare.push(await measure(bare, RUNNERS));
      await requeue();
      rounds.claim.push(await measure(useCase, RUNNERS));
      console.error(`round ${round}: bare SKIP LOCKED ${rounds.bare.at(-1).toFixed(0)}/s, claim use case ${rounds.claim.at(-1).toFixed(0)}/s`);
    }
    const b = median(rounds.bare);
    const c = median(rounds.claim);
    console.log(JSON.stringify({ runners: RUNNERS, pool: Number(opts.pool), seconds: SECONDS, bareSkipLockedPerSecond: Math.round(b), claimsPerSecond: Math.round(c), ratio: Number((c / b).toFixed(2)) }));
    await prisma.$disconnect();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
