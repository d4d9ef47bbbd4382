#!/usr/bin/env node
// Heartbeats through the gateway (issue 14 "Speed"): runners' POST /v1/runners/me/heartbeat with a
// runner token (principal cache hit, rate limiter on), beside the gateway's rate for an
// authenticated request to an upstream route that does nothing (a bare Node server answering `{}`,
// wired as the gateway's billing upstream), and Redis `SET EX` alone from as many loops. Goal: ≥ 75 %
// of the do-nothing rate (≈ 3,000/s: 30,000 runners at a 10 s interval). The gateway and the
// registry run as built processes (`npx tsc -b` first) with LOG_LEVEL=warn, the registry on its own
// database and RabbitMQ vhost (both dropped at the end). Throughput at saturation, the paths back to
// back in each of --rounds rounds; the median of the per-round ratios counts.
//
//   node bench/runner-registry/heartbeats.js [--duration 10] [--rounds 3] [--connections 32] [--runners 100] [--profile DIR]
//
// --profile DIR runs the registry under `node --cpu-prof` and leaves its .cpuprofile in DIR (written
// when it stops); its rates are then the profiled process's, not figures to record.
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = path.resolve(__dirname, '../..');
const fromGateway = (id) => require(require.resolve(id, { paths: [path.join(ROOT, 'services/api-gateway')] }));
const fromRegistry = (id) => require(require.resolve(id, { paths: [path.join(ROOT, 'services/runner-registry')] }));
const autocannon = fromGateway('autocannon');
const { Client } = fromRegistry('pg');
const { Redis } = fromRegistry('ioredis');

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    runners: { type: 'string', default: '100' },
    profile: { type: 'string' },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);

const PG = process.env.POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432';
const MGMT = process.env.RABBIT_MGMT_URL || 'http://127.0.0.1:15672';
const RUN = `${process.pid}_${Date.now().toString(36)}`;
const DATABASE = `runfleet_bench_heartbeats_${RUN}`;
const VHOST = `bench_heartbeats_${RUN}`;
const PRINCIPAL_SECRET = crypto.randomBytes(32).toString('base64url');
const RUNNER_TOKEN_PEPPER = crypto.randomBytes(32).toString('base64url');
const PORTS = { gateway: 18_280, registry: 18_283, nothing: 18_282 };
const url = (port) => `http://127.0.0.1:${port}`;
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

const children = [];
let stopping = false;
function start(name, script, env, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, script)], {
    env: { ...process.env, LOG_LEVEL: 'warn', PRINCIPAL_SECRET, AMQP_URL: `amqp://guest:guest@127.0.0.1:5672/${VHOST}`, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  child.on('exit', (code) => {
    if (!stopping) console.error(`${name} exited with ${code}`);
  });
}

async function waitFor(target) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(target)).status < 500) return;
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error(`${target} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function management(method, route) {
  const response = await fetch(`${MGMT}${route}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`, 'content-type': 'application/json' },
    body: method === 'PUT' && route.startsWith('/api/permissions') ? JSON.stringify({ configure: '.*', write: '.*', read: '.*' }) : undefined,
  });
  if (!response.ok && response.status !== 404) throw new Error(`RabbitMQ ${method} ${route}: ${response.status}`);
}

async function cannon(options) {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...options });
  if (result.non2xx > 0 || result.errors > 0) console.error(`  ${options.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function redisSetEx(redis) {
  const deadline = Date.now() + DURATION * 1000;
  let done = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, i) => {
      while (Date.now() < deadline) {
        await redis.set(`bench:heartbeats:${RUN}:${i}`, String(Date.now()), 'EX', 60);
        done += 1;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - started) / 1e9);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const admin = new Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await management('PUT', `/api/vhosts/${VHOST}`);
  await management('PUT', `/api/permissions/${VHOST}/guest`);
  const nothing = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
    res.end('{}');
  });
  await new Promise((resolve) => nothing.listen(PORTS.nothing, '127.0.0.1', resolve));
  const redis = new Redis(REDIS_URL);
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'services/runner-registry/dist/migrate.js')], { env: { ...process.env, DATABASE_URL: `${PG}/${DATABASE}` }, stdio: 'ignore' });
    start('runner-registry', 'services/runner-registry/dist/main.js', {
      PORT: String(PORTS.registry),
      DATABASE_URL: `${PG}/${DATABASE}`,
      REDIS_URL,
      REDIS_KEY_PREFIX: `bench:registry:${RUN}:`,
      RUNNER_TOKEN_PEPPER,
    }, args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : []);
    start('api-gateway', 'services/api-gateway/dist/main.js', {
      PORT: String(PORTS.gateway),
      REDIS_URL,
      REDIS_KEY_PREFIX: `bench:gateway:${RUN}:`,
      RESELLER_URL: 'http://127.0.0.1:9',
      BILLING_URL: url(PORTS.nothing),
      RUNNER_REGISTRY_URL: url(PORTS.registry),
      NOTIFICATIONS_URL: 'http://127.0.0.1:9',
      RATE_LIMIT_PER_MINUTE: '100000000',
    });
    await waitFor(`${url(PORTS.registry)}/health/live`);
    await waitFor(`${url(PORTS.gateway)}/health/live`);

    // Registration tokens are created by an admin through the API; here the registry's own use
    // case makes one, then runners register through the gateway as they would.
    const dist = (file) => require(path.join(ROOT, 'services/runner-registry/dist', file));
    const { prisma } = dist('db').createDatabase(`${PG}/${DATABASE}`, { poolMax: 2 });
    const { createRegistrationToken } = dist('domain/registration-tokens');
    const { token } = await createRegistrationToken({ prisma, now: () => new Date(), tokenPepper: RUNNER_TOKEN_PEPPER }, { type: 'admin', id: crypto.randomUUID() }, { description: 'bench' });
    await prisma.$disconnect();
    const runnerTokens = [];
    for (let i = 0; i < Number(args.runners); i += 1) {
      const response = await fetch(`${url(PORTS.gateway)}/v1/runners`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `bench-${i}`, jobTypes: ['render'], capacity: 1, version: '1' }),
      });
      if (response.status !== 201) throw new Error(`register: ${response.status} ${await response.text()}`);
      runnerTokens.push((await response.json()).token);
    }
    const body = JSON.stringify({ version: '1', jobsRunning: 0, freeCapacity: 1 });
    const heartbeatRequests = runnerTokens.map((t) => ({ method: 'POST', path: '/v1/runners/me/heartbeat', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body }));
    const nothingRequests = runnerTokens.map((t) => ({ method: 'GET', path: '/v1/wallets', headers: { authorization: `Bearer ${t}` } }));
    // warm the gateway's principal cache and the connections
    await cannon({ url: url(PORTS.gateway), requests: heartbeatRequests, duration: 2 });
    await cannon({ url: url(PORTS.gateway), requests: nothingRequests, duration: 2 });

    const rounds = [];
    for (let round = 1; round <= Number(args.rounds); round += 1) {
      const nothingRate = await cannon({ url: url(PORTS.gateway), requests: nothingRequests });
      const heartbeatRate = await cannon({ url: url(PORTS.gateway), requests: heartbeatRequests });
      const setEx = await redisSetEx(redis);
      rounds.push({ nothingRate, heartbeatRate, setEx, ratio: heartbeatRate / nothingRate });
      console.error(`round ${round}: gateway → do-nothing ${nothingRate.toFixed(0)}/s, heartbeats ${heartbeatRate.toFixed(0)}/s (${((100 * heartbeatRate) / nothingRate).toFixed(0)} %), Redis SET EX ${setEx.toFixed(0)}/s`);
    }
    const summary = {
      loadAverage: require('node:os').loadavg().map((n) => Number(n.toFixed(2))),
      doNothingPerSecond: Math.round(median(rounds.map((r) => r.nothingRate))),
      heartbeatsPerSecond: Math.round(median(rounds.map((r) => r.heartbeatRate))),
      redisSetExPerSecond: Math.round(median(rounds.map((r) => r.setEx))),
      ratio: Number(median(rounds.map((r) => r.ratio)).toFixed(2)),
    };
    console.log(JSON.stringify(summary));
    // Where the registry's requests came from: heartbeats, and the gateway's calls to verify a token.
    const counts = (await (await fetch(`${url(PORTS.registry)}/metrics`)).text())
      .split('\n')
      .filter((line) => line.startsWith('http_request_duration_seconds_count') && /heartbeat|verify/.test(line));
    console.error(counts.join('\n'));
  } finally {
    stopping = true;
    // A profile is written as the process exits: wait for the graceful stop (at most its 10 s).
    const exited = children.map((child) => (child.exitCode !== null ? null : new Promise((resolve) => child.once('exit', resolve))));
    for (const child of children) child.kill('SIGTERM');
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, args.profile ? 12_000 : 1500))]);
    nothing.close();
    const keys = await redis.keys(`bench:*${RUN}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await admin.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
    await admin.end();
    await management('DELETE', `/api/vhosts/${VHOST}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
