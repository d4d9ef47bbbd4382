#!/usr/bin/env node
// bench/gateway (issue 5 "Speed"): the same cheap GET (`GET /v1/me` of the reseller service, one
// indexed read) measured in one run on this machine, four ways:
//   direct     straight to the reseller service with a valid signed principal (no gateway);
//   gateway    through the gateway with a real API key, principal cache hit, rate limiter on;
//   bare proxy through bare-proxy.js, the smallest Node proxy (no auth, limits or logs): the
//              bound any Node gateway on this machine is held to;
//   cache-miss through the gateway, each request with a key never seen before (full verification).
// Throughput is measured at saturation (32 connections as fast as they go), in --rounds rounds of
// the three paths back to back (the order rotating); the gateway's ratio is taken within each
// round and the median of those ratios counts, so the shared VM's drift between rounds (the direct
// rate alone moves by ±20 % from minute to minute) cancels out instead of deciding the result.
// Added latency is measured at a steady rate well below saturation (--rate per path, by default a
// tenth of the direct rate just measured; the three paths interleaved, a third of a period apart,
// so the reseller takes three times that), where a p99 shows what the gateway adds rather than how
// long requests queue for two saturated cores; in --paced-rounds rounds, the p50 and p99 taken over
// all rounds' requests together (12,000 per path at 200 req/s: a p99 of one 10 s round rests on its
// 20 slowest requests). BENCH_SAMPLES=<file> also writes every paced request's latency.
// Services run as built processes (`npx tsc -b` first) with LOG_LEVEL=warn on both sides, against
// this machine's PostgreSQL, Redis and RabbitMQ. Prints a Markdown table and writes results.json.
// Usage: node bench/gateway/run.js [--duration 10] [--rounds 3] [--paced-rounds 6] [--connections 32] [--miss-keys 1000]
//        [--rate <req/s per path>] [--spacing staggered|together|staggered,together]
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = path.resolve(__dirname, '../..');
const fromGateway = (id) => require(require.resolve(id, { paths: [path.join(ROOT, 'services/api-gateway')] }));
const autocannon = fromGateway('autocannon');
const undici = fromGateway('undici');
const { Client } = require(require.resolve('pg', { paths: [path.join(ROOT, 'services/reseller')] }));

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    'paced-rounds': { type: 'string', default: '6' },
    connections: { type: 'string', default: '32' },
    'miss-keys': { type: 'string', default: '1000' },
    rate: { type: 'string' },
    spacing: { type: 'string', default: 'staggered' },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const MISS_KEYS = Number(args['miss-keys']);
const ROUNDS = Number(args.rounds);
const PACED_ROUNDS = Number(args['paced-rounds']);
const SPACINGS = args.spacing.split(',');
if (SPACINGS.some((s) => s !== 'staggered' && s !== 'together')) throw new Error('--spacing: staggered, together or both (comma-separated; the first is the headline)');

const PG = process.env.POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432';
const DATABASE = `runfleet_bench_gateway_${process.pid}`;
const DATABASE_URL = `${PG}/${DATABASE}`;
const PRINCIPAL_SECRET = crypto.randomBytes(32).toString('base64url');
const API_KEY_PEPPER = crypto.randomBytes(32).toString('base64url');
const RESELLER_PORT = 18_181;
const GATEWAY_PORT = 18_180;
const BARE_PORT = 18_182;
const RESELLER = `http://127.0.0.1:${RESELLER_PORT}`;
const GATEWAY = `http://127.0.0.1:${GATEWAY_PORT}`;
const BARE = `http://127.0.0.1:${BARE_PORT}`;

const children = [];
function start(name, script, env) {
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each service there, to see where time goes.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(ROOT, script)], {
    env: { ...process.env, LOG_LEVEL: 'warn', PRINCIPAL_SECRET, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  child.on('exit', (code) => {
    if (!stopping) console.error(`${name} exited with ${code}`);
  });
  return child;
}
let stopping = false;

async function waitFor(url) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function post(route, key, body) {
  const response = await fetch(`${GATEWAY}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST ${route}: ${response.status} ${await response.text()}`);
  return response.json();
}

function signPrincipal(principal) {
  const payload = `v1.${Buffer.from(JSON.stringify(principal)).toString('base64url')}`;
  return `${payload}.${crypto.createHmac('sha256', PRINCIPAL_SECRET).update(payload).digest('base64url')}`;
}

/** CPU seconds (user + system) a child process has used so far, from /proc (Linux). */
function cpuSeconds(child) {
  try {
    const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Runs a load and adds the CPU milliseconds per request each service spent on it. */
async function measured(title, options, run = async () => summary(await load(title, options))) {
  const before = children.map(cpuSeconds);
  const result = await run();
  const after = children.map(cpuSeconds);
  const perRequest = (i) => Number((((after[i] - before[i]) * 1000) / Math.max(1, result.total)).toFixed(3));
  return { ...result, cpuMsPerRequest: { reseller: perRequest(0), gateway: perRequest(1), bareProxy: perRequest(2) } };
}

function load(title, options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ connections: CONNECTIONS, pipelining: 1, ...options }, (err, result) => (err ? reject(err) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
    instance.on('done', () => console.error(`  ${title}: done`));
  });
}

/**
 * Requests sent at a steady `rate` per path (one every 1000/rate ms, not in bursts: autocannon's
 * overallRate sends each second's budget at the start of the second), each timed from send to last
 * byte. The paths are interleaved tick by tick so that a stall of the shared machine (GC, the VM,
 * another process) hits all of them alike instead of whichever path happened to be measured then.
 * `staggered` (the default) sends them a third of a period apart, the order rotating every tick;
 * `together` sends all three at the same instant, which makes each proxied request queue behind
 * its direct twin for the reseller and the two cores — contention the bench creates and no
 * gateway in front of a service meets (docs/benchmarks.md: the direct p50 alone doubles).
 * Returns each path's latencies and, by tick, those of 200 answers (to pair them with direct's).
 */
async function pacedSideBySide(targets, rate, seconds, spacing) {
  const agent = new undici.Agent({ connections: 128, keepAliveTimeout: 10_000 });
  const names = Object.keys(targets);
  const samples = Object.fromEntries(names.map((name) => [name, { latencies: [], byTick: [], failed: 0 }]));
  const inflight = new Set();
  const total = rate * seconds;
  const staggered = spacing === 'staggered';
  const started = performance.now();
  for (let tick = 0; tick < total; tick += 1) {
    for (let j = 0; j < names.length; j += 1) {
      const name = staggered ? names[(tick + j) % names.length] : names[j];
      const wait = started + (tick * 1000) / rate + (staggered ? (j * 1000) / rate / names.length : 0) - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const sample = samples[name];
      const sent = performance.now();
      const request = undici
        .request(targets[name].url, { headers: targets[name].headers ?? {}, dispatcher: agent })
        .then(async (response) => {
          await response.body.arrayBuffer();
          const latency = performance.now() - sent;
          sample.latencies.push(latency);
          if (response.statusCode === 200) sample.byTick[tick] = latency;
          else sample.failed += 1;
        })
        .catch(() => {
          sample.failed += 1;
        });
      inflight.add(request);
      void request.finally(() => inflight.delete(request));
    }
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  await agent.close();
  console.error(`  ${spacing} at ${rate} req/s per path: done`);
  return { requestsPerSecond: Math.round(total / elapsed), total, samples };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1));
}

/** p50/p99 per path over the given paced rounds' samples together, and what each path added to the direct request of the same tick. */
function pacedFigures(rounds) {
  const names = Object.keys(rounds[0].samples);
  return Object.fromEntries(
    names.map((name) => {
      const latencies = rounds.flatMap((r) => r.samples[name].latencies);
      const added = [];
      for (const r of rounds) {
        const own = r.samples[name].byTick;
        const direct = r.samples.direct.byTick;
        for (let tick = 0; tick < r.total; tick += 1) if (own[tick] !== undefined && direct[tick] !== undefined) added.push(own[tick] - direct[tick]);
      }
      return [
        name,
        {
          requestsPerSecond: Math.min(...rounds.map((r) => r.requestsPerSecond)),
          p50ms: percentile(latencies, 0.5),
          p99ms: percentile(latencies, 0.99),
          pairedAddedP50ms: percentile(added, 0.5),
          pairedAddedP99ms: percentile(added, 0.99),
          non2xx: rounds.reduce((sum, r) => sum + r.samples[name].failed, 0),
          errors: 0,
          timeouts: 0,
          total: latencies.length,
        },
      ];
    }),
  );
}

function summary(result) {
  return {
    // autocannon's requests.average is a mean over whole seconds: a 2.4 s run averages 2 or 3 samples.
    requestsPerSecond: Math.round(result.requests.total / result.duration),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
  };
}

async function main() {
  const admin = new Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${DATABASE}"`);
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'services/reseller/dist/migrate.js')], { env: { ...process.env, DATABASE_URL }, stdio: 'ignore' });
    const adminKey = execFileSync(process.execPath, [path.join(ROOT, 'services/reseller/dist/cli/create-admin-key.js')], {
      env: { ...process.env, DATABASE_URL, API_KEY_PEPPER },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();

    start('reseller', 'services/reseller/dist/main.js', { PORT: String(RESELLER_PORT), DATABASE_URL, API_KEY_PEPPER });
    start('api-gateway', 'services/api-gateway/dist/main.js', {
      PORT: String(GATEWAY_PORT),
      METRICS_PORT: String(GATEWAY_PORT + 10),
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `bench:${process.pid}:`,
      RESELLER_URL: RESELLER,
      BILLING_URL: 'http://127.0.0.1:9',
      RUNNER_REGISTRY_URL: 'http://127.0.0.1:9',
      NOTIFICATIONS_URL: 'http://127.0.0.1:9',
      // On, and high enough that the bench measures its cost, not its rejections.
      RATE_LIMIT_PER_MINUTE: '100000000',
    });
    await waitFor(`${RESELLER}/health/live`);
    await waitFor(`${GATEWAY}/health/live`);

    const reseller = await post('/v1/resellers', adminKey, { name: 'Bench Reseller', email: 'bench@resellers.example', commissionRateBps: 1000 });
    const { key } = await post('/v1/api-keys', adminKey, { name: 'bench', ownerType: 'reseller', ownerId: reseller.id });
    console.error(`  creating ${MISS_KEYS} keys for the cache-miss run…`);
    const missKeys = [];
    for (let i = 0; i < MISS_KEYS; i += 1) missKeys.push((await post('/v1/api-keys', adminKey, { name: `miss ${i}`, ownerType: 'reseller', ownerId: reseller.id })).key);

    // Creating the keys left the reseller's outbox relay busy publishing their events: let it settle.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const principal = signPrincipal({ type: 'reseller', id: reseller.id, resellerId: reseller.id, scopes: [], exp: Math.floor(Date.now() / 1000) + 3600 });
    start('bare-proxy', 'bench/gateway/bare-proxy.js', { PORT: String(BARE_PORT), UPSTREAM: RESELLER, PRINCIPAL: principal });
    await waitFor(`${BARE}/health/live`);
    const paths = {
      direct: { url: `${RESELLER}/v1/me`, headers: { 'x-runfleet-principal': principal } },
      gateway: { url: `${GATEWAY}/v1/me`, headers: { authorization: `Bearer ${key}` } },
      bareProxy: { url: `${BARE}/v1/me` },
    };
    // Warm every path (JIT, pools, the cache entry) before measuring.
    for (const [name, target] of Object.entries(paths)) await load(`warm-up ${name}`, { ...target, duration: 5 });

    // Rounds of the three paths back to back, the order rotating so none always runs first or last.
    const rounds = [];
    const names = Object.keys(paths);
    for (let round = 0; round < ROUNDS; round += 1) {
      const measuredRound = {};
      for (let i = 0; i < names.length; i += 1) {
        const name = names[(i + round) % names.length];
        measuredRound[name] = await measured(`${name}, round ${round + 1}`, { ...paths[name], duration: DURATION });
      }
      rounds.push(measuredRound);
    }
    const median = (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    };
    // The round whose gateway ratio is the median stands for the run in the table.
    const ratios = rounds.map((r) => r.gateway.requestsPerSecond / r.direct.requestsPerSecond);
    const bareRatios = rounds.map((r) => r.bareProxy.requestsPerSecond / r.direct.requestsPerSecond);
    const typical = rounds[ratios.indexOf([...ratios].sort((a, b) => a - b)[Math.floor((ratios.length - 1) / 2)])];
    const { direct, gateway, bareProxy } = typical;
    // Added latency at a steady rate below saturation, the paths interleaved.
    const RATE = args.rate === undefined ? Math.max(10, Math.round(median(rounds.map((r) => r.direct.requestsPerSecond)) / 100) * 10) : Number(args.rate);
    // --paced-rounds rounds, each spacing asked for in turn within a round; the figures are over all
    // rounds' samples together (per-round ones show the spread).
    const pacedRounds = Object.fromEntries(SPACINGS.map((spacing) => [spacing, []]));
    for (let round = 0; round < PACED_ROUNDS; round += 1) {
      for (const spacing of SPACINGS) pacedRounds[spacing].push(await pacedSideBySide(paths, RATE, DURATION, spacing));
    }
    // BENCH_SAMPLES=<file>: every paced request's latency by round and tick, to see which stalls the paths shared.
    if (process.env.BENCH_SAMPLES) {
      const byTick = (r) => Object.fromEntries(Object.entries(r.samples).map(([name, sample]) => [name, Array.from({ length: r.total }, (_, i) => sample.byTick[i] ?? null)]));
      fs.writeFileSync(process.env.BENCH_SAMPLES, JSON.stringify(Object.fromEntries(SPACINGS.map((spacing) => [spacing, pacedRounds[spacing].map(byTick)]))));
    }
    const paced = Object.fromEntries(SPACINGS.map((spacing) => [spacing, pacedFigures(pacedRounds[spacing])]));
    let next = 0;
    const miss = await measured('gateway (cache miss)', {
      url: `${GATEWAY}/v1/me`,
      amount: missKeys.length,
      // autocannon refuses more connections than requests
      connections: Math.min(CONNECTIONS, missKeys.length),
      requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${missKeys[next++ % missKeys.length]}` } }) }],
    });

    const headline = paced[SPACINGS[0]];
    const added = (figures, name, field) => Number((figures[name][field] - figures.direct[field]).toFixed(1));
    const perRound = (spacing) => {
      const figures = pacedRounds[spacing].map((r) => pacedFigures([r]));
      return { gateway: figures.map((f) => added(f, 'gateway', 'p99ms')), bareProxy: figures.map((f) => added(f, 'bareProxy', 'p99ms')) };
    };
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
      settings: { durationSeconds: DURATION, rounds: ROUNDS, pacedRounds: PACED_ROUNDS, connections: CONNECTIONS, missKeys: MISS_KEYS, pacedRatePerPath: RATE, spacings: SPACINGS, route: 'GET /v1/me (reseller)' },
      direct,
      gateway,
      bareProxy,
      cacheMiss: miss,
      rounds,
      paced,
      gatewayThroughputRatio: Number(median(ratios).toFixed(3)),
      bareProxyThroughputRatio: Number(median(bareRatios).toFixed(3)),
      roundRatios: { gateway: ratios.map((r) => Number(r.toFixed(3))), bareProxy: bareRatios.map((r) => Number(r.toFixed(3))) },
      saturatedAddedP99ms: gateway.p99ms - direct.p99ms,
      pacedAddedP99ms: added(headline, 'gateway', 'p99ms'),
      pacedAddedP50ms: added(headline, 'gateway', 'p50ms'),
      pacedAddedP99msPerRound: Object.fromEntries(SPACINGS.map((spacing) => [spacing, perRound(spacing)])),
    };
    fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
    const row = (name, r, proxy = 'gateway') =>
      `| ${name} | ${r.requestsPerSecond} | ${r.p50ms} | ${r.p99ms} | ${proxy ? r.cpuMsPerRequest[proxy] : '–'} | ${r.cpuMsPerRequest?.reseller ?? '–'} | ${r.non2xx + r.errors + r.timeouts} |`;
    const pacedLines = (spacing) => {
      const figures = paced[spacing];
      const rows = result.pacedAddedP99msPerRound[spacing];
      return [
        `paced at ${RATE} req/s per path, ${spacing}, ${figures.direct.total} requests per path: gateway adds p50 ${added(figures, 'gateway', 'p50ms')} ms, ` +
          `p99 ${added(figures, 'gateway', 'p99ms')} ms (the bare proxy: p50 ${added(figures, 'bareProxy', 'p50ms')} ms, p99 ${added(figures, 'bareProxy', 'p99ms')} ms)`,
        `  p50 / p99: direct ${figures.direct.p50ms} / ${figures.direct.p99ms} ms, gateway ${figures.gateway.p50ms} / ${figures.gateway.p99ms} ms, bare proxy ${figures.bareProxy.p50ms} / ${figures.bareProxy.p99ms} ms`,
        `  added p99 per round: gateway ${rows.gateway.join(', ')} ms; bare proxy ${rows.bareProxy.join(', ')} ms`,
        `  paired (each request against the direct one of the same tick), p50 / p99 of the time added: ` +
          `gateway ${figures.gateway.pairedAddedP50ms} / ${figures.gateway.pairedAddedP99ms} ms; bare proxy ${figures.bareProxy.pairedAddedP50ms} / ${figures.bareProxy.pairedAddedP99ms} ms`,
      ];
    };
    console.log(
      [
        `${result.date}, ${result.machine.cpus} × ${result.machine.cpu}, Node ${result.machine.node}; ${CONNECTIONS} connections, ${ROUNDS} saturated and ${PACED_ROUNDS} paced rounds of ${DURATION} s per path`,
        '',
        `Saturated rows: the round with the median gateway ratio; paced rows (${SPACINGS[0]}): all rounds' requests together.`,
        '',
        '| path | req/s | p50 ms | p99 ms | proxy CPU ms/req | reseller CPU ms/req | failed |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        row('direct to the reseller service (signed principal)', direct, null),
        row('through the gateway (API key, cache hit, rate limiter on)', gateway),
        row('through the bare Node proxy (no auth, limits or logs)', bareProxy, 'bareProxy'),
        row(`through the gateway, cache miss (${MISS_KEYS} fresh keys, once each)`, miss),
        row(`direct, paced at ${RATE} req/s`, headline.direct, null),
        row(`through the gateway, paced at ${RATE} req/s`, headline.gateway, null),
        row(`through the bare proxy, paced at ${RATE} req/s`, headline.bareProxy, null),
        '',
        `saturated: gateway throughput = ${(result.gatewayThroughputRatio * 100).toFixed(1)} % of direct ` +
          `(the bare proxy: ${(result.bareProxyThroughputRatio * 100).toFixed(1)} %), medians of the rounds' ratios; p99 +${result.saturatedAddedP99ms} ms`,
        `  ratio per round: gateway ${ratios.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}; bare proxy ${bareRatios.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}`,
        ...SPACINGS.flatMap(pacedLines),
      ].join('\n'),
    );
  } finally {
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await admin.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
