#!/usr/bin/env node
// Webhook delivery throughput (issue 17 "Speed"): the notifications dispatcher sending N recorded
// deliveries to a local receiver (claim with SKIP LOCKED, sign, POST, record each attempt in
// batches) vs a bare loop of signed POSTs to the same receiver at the same concurrency, in the same
// round. The receiver is a child process answering 204 at once. Goal: dispatcher ≥ 50 % of bare.
// Needs the build (`pnpm exec tsc -b services/notifications`) and the local PostgreSQL; makes and
// drops its own database.
//
//   node bench/notifications/webhook-deliveries.js [--deliveries 5000] [--endpoints 20] [--concurrency 64] [--rounds 3]
'use strict';

const { fork } = require('node:child_process');
const { createHmac, randomUUID } = require('node:crypto');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');
const { parseArgs } = require('node:util');

const SERVICE_DIR = path.resolve(__dirname, '../../services/notifications');
const serviceRequire = createRequire(path.join(SERVICE_DIR, 'package.json'));
const dist = (file) => require(path.join(SERVICE_DIR, 'dist', file));

const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PRINCIPAL_SECRET = 'bench-principal-secret-bench-principal-secret';

const { values: opts } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '5000' },
    endpoints: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
    receiver: { type: 'boolean', default: false },
  },
});
const N = Number(opts.deliveries);
const ENDPOINTS = Number(opts.endpoints);
const CONCURRENCY = Number(opts.concurrency);

// ---- the receiver child: answers every POST 204 once its body is read ---------------------------
if (opts.receiver) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(204);
      res.end();
    });
  });
  server.keepAliveTimeout = 10_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  return;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** N signed POSTs from CONCURRENCY loops, as a hand-written sender would do it. */
async function bareLoop(url, key) {
  const { Agent } = serviceRequire('undici');
  const agent = new Agent({ connections: null, keepAliveTimeout: 4_000 });
  const target = new URL(url);
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const id = `msg_${next++}`;
        const body = JSON.stringify({ type: 'job.completed', timestamp: new Date().toISOString(), data: { jobId: randomUUID() } });
        const ts = Math.floor(Date.now() / 1000);
        const signature = `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
        const res = await agent.request({
          origin: target.origin,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature },
          body,
        });
        await res.body.dump();
        if (res.statusCode !== 204) throw new Error(`bare POST answered ${res.statusCode}`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await agent.close();
  return N / seconds;
}

async function main() {
  const { Client } = serviceRequire('pg');
  const { createDatabase } = dist('db');
  const { migrate } = dist('migrate');
  const { WebhookDispatcher } = dist('delivery/webhook-dispatcher');
  const { webhookMetrics } = dist('delivery/webhook-metrics');
  const { WebhookSender } = dist('delivery/webhook-sender');
  const { SecretCipher, secretKeyFrom } = dist('domain/secret-cipher');
  const { createEndpoint } = dist('domain/manage-endpoints');
  const { defaultWebhookPolicy } = dist('domain/webhook-policy');
  const { secretKey } = dist('domain/webhook-secret');
  const { createLogger, createMetrics } = serviceRequire('@runfleet/service-kit');

  const child = fork(__filename, ['--receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  const name = `bench_webhooks_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const { prisma, pool } = createDatabase(url.toString(), { poolMax: 10 });
  const cipher = new SecretCipher(secretKeyFrom(PRINCIPAL_SECRET));
  const deps = { prisma, now: () => new Date(), cipher, policy: defaultWebhookPolicy(), allowInsecureLoopback: true };
  const endpoints = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const owner = { accountType: 'customer', accountId: randomUUID() };
    endpoints.push((await createEndpoint(deps, owner, { url: `http://127.0.0.1:${port}/hook/${i}`, eventTypes: ['*'] })).endpoint.id);
  }
  const firstSecret = cipher.open((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoints[0] } })).secretSealed, endpoints[0]);
  const logger = createLogger({ service: 'notifications', level: 'warn' });

  console.log(`webhook deliveries: ${N} per round to ${ENDPOINTS} endpoints, concurrency ${CONCURRENCY}; load average ${os.loadavg()[0].toFixed(1)}`);
  const rows = [];
  for (let round = 1; round <= Number(opts.rounds); round++) {
    const bare = await bareLoop(`http://127.0.0.1:${port}/hook/bare`, secretKey(firstSecret));

    await pool.query(`TRUNCATE "webhook_attempt", "webhook_delivery"`);
    await pool.query(
      `INSERT INTO "webhook_delivery" (id, endpoint_id, message_id, event_type, body)
       SELECT gen_random_uuid(), ($1::uuid[])[1 + i % $2], 'msg_' || i, 'job.completed',
              json_build_object('type', 'job.completed', 'timestamp', now(), 'data', json_build_object('jobId', gen_random_uuid()))::text
       FROM generate_series(0, $3 - 1) AS i`,
      [endpoints, ENDPOINTS, N],
    );
    const sender = new WebhookSender({ allowLoopback: true, timeoutMs: 15_000 });
    const dispatcher = new WebhookDispatcher({
      pool,
      sender,
      cipher,
      policy: deps.policy,
      logger,
      metrics: webhookMetrics(createMetrics('bench').registry, pool),
      concurrency: CONCURRENCY,
      perEndpointConcurrency: Math.max(4, Math.ceil((CONCURRENCY * 2) / ENDPOINTS)),
      pollMs: 20,
      timeoutMs: 15_000,
    });
    const start = process.hrtime.bigint();
    dispatcher.start();
    for (;;) {
      const { rows: [{ n }] } = await pool.query(`SELECT count(*)::int AS n FROM "webhook_delivery" WHERE status = 'succeeded'`);
      if (n >= N) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await dispatcher.stop();
    await sender.close();
    const dispatched = N / seconds;
    rows.push({ bare, dispatched });
    console.log(`round ${round}: bare signed POSTs ${bare.toFixed(0)}/s, dispatcher ${dispatched.toFixed(0)}/s = ${((100 * dispatched) / bare).toFixed(0)} %`);
  }
  const bareMedian = median(rows.map((r) => r.bare));
  const dispatchedMedian = median(rows.map((r) => r.dispatched));
  console.log(`median: bare ${bareMedian.toFixed(0)}/s, dispatcher ${dispatchedMedian.toFixed(0)}/s = ${((100 * dispatchedMedian) / bareMedian).toFixed(0)} % (goal ≥ 50 %); load average ${os.loadavg()[0].toFixed(1)}`);

  await prisma.$disconnect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  child.kill();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
