#!/usr/bin/env node
// API key verification throughput (issue 4 "Speed"; the gateway's hot path on a cache miss): every
// call is the full DB lookup + HMAC + constant-time compare. Measured two ways, each beside a bare
// `SELECT 1` over the SAME pool in the same run:
//   1. in process: the verify use case vs `SELECT 1` on the pg pool it reads through (db.ts `pool`,
//      which Prisma shares);
//   2. over HTTP: POST /internal/api-keys/verify on the real app (a child process, as in production,
//      signed as the gateway) vs a SELECT 1 loop run inside that process on the app's own pool.
// Goal: ≥ 3,000 verifications/s through the endpoint. Needs the build (`npx tsc -b services/reseller`)
// and the local PostgreSQL; creates and drops its own database.
//
//   node bench/reseller/verify-keys.js [--seconds 10] [--concurrency 32] [--keys 1000] [--pool 10] [--log-level warn]
// --log-level is the app's LOG_LEVEL: at `info` the kit logs one line per request (default `warn`).
'use strict';

const { fork } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const { createRequire } = require('node:module');
const { parseArgs } = require('node:util');

const SERVICE_DIR = path.resolve(__dirname, '../../services/reseller');
const serviceRequire = createRequire(path.join(SERVICE_DIR, 'package.json'));
const dist = (file) => require(path.join(SERVICE_DIR, 'dist', file));

const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PEPPER = 'bench-pepper-bench-pepper-bench-pepper-0123';
const PRINCIPAL_SECRET = 'bench-principal-secret-bench-principal-secret';

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
    keys: { type: 'string', default: '1000' },
    pool: { type: 'string', default: '10' },
    'log-level': { type: 'string', default: 'warn' },
    server: { type: 'boolean', default: false },
    url: { type: 'string' },
  },
});
const SECONDS = Number(opts.seconds);
const CONCURRENCY = Number(opts.concurrency);
const POOL = Number(opts.pool);

/** Runs `op` from `concurrency` loops for `seconds`; returns completed operations per second. */
async function measure(op, seconds, concurrency) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await op();
        done += 1;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { ops: done, perSecond: done / elapsed };
}

function keyPicker(keys) {
  let i = 0;
  return () => keys[(i++ * 7919) % keys.length];
}

// ---- the server child: the real app on its own pool -------------------------------------------

async function serve(url) {
  const { createHealth, createLogger, createMetrics, listen } = serviceRequire('@runfleet/service-kit');
  const { createDatabase } = dist('db');
  const { buildApp } = dist('http/app');
  const { prisma, pool } = createDatabase(url, { poolMax: POOL });
  const app = buildApp({
    prisma,
    pool,
    logger: createLogger({ service: 'reseller', level: opts['log-level'] }),
    metrics: createMetrics('reseller'),
    health: createHealth([]),
    principalSecret: PRINCIPAL_SECRET,
    apiKeyPepper: PEPPER,
  });
  const server = await listen(app, 0, '127.0.0.1');
  process.on('message', async (msg) => {
    if (msg.type === 'select1') {
      // profiling (BENCH_CPU_PROF) looks at the HTTP path alone
      if (process.env.BENCH_CPU_PROF) return process.send({ type: 'select1', result: { ops: 0, perSecond: 0 } });
      const result = await measure(() => pool.query('SELECT 1'), msg.seconds, msg.concurrency);
      process.send({ type: 'select1', result });
    } else if (msg.type === 'cpu') {
      process.send({ type: 'cpu', usage: process.cpuUsage() });
    } else if (msg.type === 'stop') {
      server.close();
      await prisma.$disconnect();
      process.exit(0);
    }
  });
  process.send({ type: 'listening', port: server.address().port });
}

// ---- the driver -------------------------------------------------------------------------------

function post(agent, port, pathName, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathName, method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`verify answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const { Client } = serviceRequire('pg');
  const { migrate } = dist('migrate');
  const { createDatabase } = dist('db');
  const { createApiKey } = dist('domain/api-keys');
  const { verifyApiKey, LastUsedRecorder } = dist('domain/verify-api-key');
  const { createCustomer } = dist('domain/create-customer');
  const { signPrincipal } = serviceRequire('@runfleet/service-kit');

  const dbName = `runfleet_bench_reseller_${process.pid}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();
  let child;
  try {
    await migrate(dbUrl);
    const { prisma, pool } = createDatabase(dbUrl, { poolMax: POOL });
    const deps = { prisma, pool, now: () => new Date(), apiKeyPepper: PEPPER };
    const adminActor = { type: 'admin', id: '00000000-0000-4000-8000-000000000001' };
    const customers = [];
    for (let i = 0; i < 50; i += 1) {
      customers.push(await createCustomer(deps, adminActor, { name: `bench ${i}`, email: `b${i}@example.com` }));
    }
    const keys = [];
    for (let i = 0; i < Number(opts.keys); i += 1) {
      const owner = customers[i % customers.length];
      keys.push((await createApiKey(deps, adminActor, { name: 'bench', ownerType: 'customer', ownerId: owner.id })).key);
    }

    // 1. in process, same pool
    const recorder = new LastUsedRecorder();
    const nextKey = keyPicker(keys);
    await measure(() => verifyApiKey(deps, recorder, nextKey()), 1, CONCURRENCY); // warm-up
    const inVerify = await measure(() => verifyApiKey(deps, recorder, nextKey()), SECONDS, CONCURRENCY);
    const inSelect = await measure(() => pool.query('SELECT 1'), SECONDS, CONCURRENCY);
    await prisma.$disconnect();

    // 2. over HTTP, the app in a child process
    const execArgv = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    child = fork(__filename, ['--server', '--url', dbUrl, '--pool', String(POOL), '--log-level', opts['log-level']], {
      // request log lines (at --log-level info) go nowhere, as if shipped by a collector
      stdio: ['inherit', 'ignore', 'inherit', 'ipc'],
      execArgv,
    });
    const messages = [];
    const waiters = [];
    child.on('message', (m) => (waiters.length ? waiters.shift()(m) : messages.push(m)));
    const nextMessage = () => new Promise((resolve) => (messages.length ? resolve(messages.shift()) : waiters.push(resolve)));
    const { port } = await nextMessage();
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const principal = signPrincipal(
      { type: 'service', id: 'api-gateway', resellerId: null, scopes: [], exp: Math.floor(Date.now() / 1000) + 3600 },
      PRINCIPAL_SECRET,
    );
    const headers = { 'content-type': 'application/json', 'x-runfleet-principal': principal };
    const httpKey = keyPicker(keys);
    const verifyOverHttp = () => post(agent, port, '/internal/api-keys/verify', headers, JSON.stringify({ key: httpKey() }));
    await measure(verifyOverHttp, 2, CONCURRENCY); // warm-up
    child.send({ type: 'cpu' });
    const cpuBefore = (await nextMessage()).usage;
    const parentBefore = process.cpuUsage();
    const httpVerify = await measure(verifyOverHttp, SECONDS, CONCURRENCY);
    const parentCpu = process.cpuUsage(parentBefore);
    child.send({ type: 'cpu' });
    const cpuAfter = (await nextMessage()).usage;
    const serverCpuMs = (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1000;
    const clientCpuMs = (parentCpu.user + parentCpu.system) / 1000;
    child.send({ type: 'select1', seconds: SECONDS, concurrency: CONCURRENCY });
    const { result: httpSelect } = await nextMessage();
    agent.destroy();

    const row = (label, r) => `${label.padEnd(58)} ${r.perSecond.toFixed(0).padStart(8)} /s  (${r.ops} in ${SECONDS}s)`;
    const os = require('node:os');
    console.log(
      `node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, ` +
        `pool ${POOL}, concurrency ${CONCURRENCY}, ${keys.length} keys, app LOG_LEVEL ${opts['log-level']}`,
    );
    console.log(row('in process: verifyApiKey (DB lookup + HMAC)', inVerify));
    console.log(row('in process: SELECT 1 on the same pool', inSelect));
    console.log(`  ratio verify / SELECT 1: ${(inVerify.perSecond / inSelect.perSecond).toFixed(2)}`);
    console.log(row('HTTP: POST /internal/api-keys/verify', httpVerify));
    console.log(
      `  CPU per verification: app process ${((serverCpuMs * 1000) / httpVerify.ops).toFixed(0)} µs, load generator ${((clientCpuMs * 1000) / httpVerify.ops).toFixed(0)} µs`,
    );
    console.log(row("HTTP run: SELECT 1 on the app's pool, in the app process", httpSelect));
    console.log(`  ratio verify / SELECT 1: ${(httpVerify.perSecond / httpSelect.perSecond).toFixed(2)}`);
    console.log(`goal ≥ 3000 verifications/s through the endpoint: ${httpVerify.perSecond >= 3000 ? 'met' : 'NOT met'}`);
  } finally {
    if (child) {
      child.send({ type: 'stop' });
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

if (opts.server) {
  serve(opts.url).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
