#!/usr/bin/env node
// Runs the built platform without Docker: applies every service's migrations, starts the five
// services as child processes with prefixed, coloured logs, waits until each is ready, prints
// where to look, and stops them all gracefully on Ctrl-C or SIGTERM. Called by scripts/start.sh.
// `--replicas N` (or RUNFLEET_REPLICAS=N) runs N processes of every backend service behind the
// one gateway (docs/operations.md "Replicas").
'use strict';

const { spawn } = require('node:child_process');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { createConcurrently, Logger, LogError, LogOutput, LogExit, KillOnSignal, KillOthers } = require('concurrently');
const { ROOT, SERVICES, NODE_FLAGS, SMTP_CATCHER_PORT, loadSecrets, replicaCount, replicaPort, serviceEnv, serviceUrl } = require('../infra/local-stack');
const { MAIL_DIR, startMailCatcher } = require('./mail-catcher');

const READY_TIMEOUT_MS = Number(process.env.RUNFLEET_READY_TIMEOUT_MS || 120_000);
// DESIGN.md asks services to exit within 10 s of SIGTERM; past this they are killed.
const STOP_TIMEOUT_MS = 15_000;
const COLORS = ['cyan', 'magenta', 'green', 'yellow', 'blue'];

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[22m` : text);
const say = (text) => console.log(`${bold('[runfleet]')} ${text}`);
const fail = (text) => console.error(`${bold('[runfleet]')} ${text}`);

/** Resolves true when something already listens on the port (a previous `npm start`, say). */
function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `--replicas N` or `--replicas=N` from the command line, else RUNFLEET_REPLICAS; anything else is refused. */
function replicasFrom(argv, environment) {
  let value = environment.RUNFLEET_REPLICAS;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--replicas') value = argv[(i += 1)];
    else if (arg.startsWith('--replicas=')) value = arg.slice('--replicas='.length);
    else throw new Error(`unknown option ${arg} (known: --replicas N)`);
  }
  return replicaCount(value);
}

/**
 * One entry per process: the gateway once, every other service `count` times. The first replica
 * keeps the service's name in the logs; the others are `<name>-2`, `<name>-3`, ….
 */
function processesOf(count) {
  return SERVICES.flatMap((service) => {
    const replicas = service.name === 'api-gateway' ? 1 : count;
    return Array.from({ length: replicas }, (_, i) => ({
      service,
      replica: i + 1,
      label: i === 0 ? service.name : `${service.name}-${i + 1}`,
      url: serviceUrl(service.name, i + 1),
      ports: i === 0 ? [service.port, service.metricsPort].filter(Boolean) : [replicaPort(service.name, i + 1)],
    }));
  });
}

function serviceDir(name) {
  return path.join(ROOT, 'services', name);
}

/** Runs one service's dist/migrate.js, echoing its output with a prefix; resolves to its exit code. */
function migrate(service, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/migrate.js'], {
      cwd: serviceDir(service.name),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `[migrate ${service.name}] `;
    const echo = (stream, chunk) => {
      for (const line of chunk.toString().split('\n')) if (line) stream.write(prefix + line + '\n');
    };
    child.stdout.on('data', (chunk) => echo(process.stdout, chunk));
    child.stderr.on('data', (chunk) => echo(process.stderr, chunk));
    child.once('error', (error) => {
      fail(`${prefix}${error.message}`);
      resolve(1);
    });
    child.once('close', (code) => resolve(code ?? 1));
  });
}

async function isReady(child) {
  try {
    const response = await fetch(`${child.url}/health/ready`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Polls every process's /health/ready until all answer 200, one stops, or time runs out. */
async function waitUntilReady(processes, state) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const pending = new Set(processes.map((p) => p.label));
  while (pending.size > 0) {
    if (state.finished || state.stopping) return { ok: false, pending };
    for (const child of processes) {
      if (pending.has(child.label) && (await isReady(child))) pending.delete(child.label);
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) return { ok: false, pending };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { ok: true, pending };
}

function printWhereToLook(processes) {
  const gateway = serviceUrl('api-gateway');
  const lines = [
    '',
    bold('Runfleet is up.'),
    `  Gateway (the public API)  ${gateway}`,
    `  API docs                  ${gateway}/docs`,
    `  Gateway health            ${gateway}/health/ready`,
    `  RabbitMQ management UI    http://127.0.0.1:15672   (guest / guest)`,
    `  Mail sent (SMTP catcher)  ${MAIL_DIR}/*.eml   (SMTP on 127.0.0.1:${SMTP_CATCHER_PORT})`,
    `  Services                  ${processes
      .filter((p) => p.service.name !== 'api-gateway')
      .map((p) => `${p.label} :${p.ports[0]}`)
      .join(', ')}`,
    '  Press Ctrl-C to stop everything.',
    '',
  ];
  console.log(lines.join('\n'));
}

async function main() {
  let replicas;
  try {
    replicas = replicasFrom(process.argv.slice(2), process.env);
  } catch (error) {
    fail(error.message);
    return 1;
  }
  const processes = processesOf(replicas);
  const missing = SERVICES.filter((s) => !fs.existsSync(path.join(serviceDir(s.name), 'dist', 'main.js')));
  if (missing.length > 0) {
    fail(`not built: ${missing.map((s) => `services/${s.name}/dist/main.js`).join(', ')} (run: npx tsc -b)`);
    return 1;
  }

  const busy = [];
  for (const { label, ports } of processes) {
    for (const port of ports) if (await portInUse(port)) busy.push(`${port} (${label})`);
  }
  if (await portInUse(SMTP_CATCHER_PORT)) busy.push(`${SMTP_CATCHER_PORT} (SMTP catcher)`);
  if (busy.length > 0) {
    fail(`port ${busy.join(', ')} already in use: is Runfleet already running? Stop it first.`);
    return 1;
  }

  const secrets = loadSecrets();
  const envs = Object.fromEntries(SERVICES.map((s) => [s.name, serviceEnv(s.name, secrets)]));

  // Each migrate.js creates its database if missing, then applies what is new (a re-run applies nothing).
  const withDatabase = SERVICES.filter((s) => s.database);
  say(`applying migrations: ${withDatabase.map((s) => s.name).join(', ')}`);
  const codes = await Promise.all(withDatabase.map((s) => migrate(s, envs[s.name])));
  const failed = withDatabase.filter((_, i) => codes[i] !== 0);
  if (failed.length > 0) {
    fail(`migrations failed for ${failed.map((s) => s.name).join(', ')}; not starting`);
    return 1;
  }

  // Email goes to a local catcher, never out of the machine: each mail becomes a file to read.
  const catcher = await startMailCatcher(SMTP_CATCHER_PORT);
  say(`SMTP catcher on 127.0.0.1:${SMTP_CATCHER_PORT}; mail is written to ${catcher.dir}`);

  const logger = new Logger({ prefixFormat: 'name' });
  const abortController = new AbortController();
  // Ctrl-C, SIGTERM and SIGHUP all become one SIGTERM per child: the signal orchestrators send,
  // which every service handles as "stop gracefully". Children run in their own process group
  // (detached) so a terminal's Ctrl-C does not also reach them directly.
  const signals = new EventEmitter();
  if (replicas > 1) say(`${replicas} replicas of every backend service behind the gateway`);
  const { commands, result } = createConcurrently(
    processes.map((p) => ({
      name: p.label,
      command: `exec node ${NODE_FLAGS.join(' ')} dist/main.js`,
      cwd: serviceDir(p.service.name),
      env: serviceEnv(p.service.name, secrets, process.env, { count: replicas, replica: p.replica }),
      prefixColor: COLORS[SERVICES.indexOf(p.service) % COLORS.length],
    })),
    {
      logger,
      outputStream: process.stdout,
      abortSignal: abortController.signal,
      spawn: (command, options) => spawn('/bin/sh', ['-c', command], { ...options, detached: true }),
      controllers: [
        new LogError({ logger }),
        new LogOutput({ logger }),
        new LogExit({ logger }),
        new KillOnSignal({ process: signals, abortController }),
        // One service dying takes the others down, so a broken start is not mistaken for a running one.
        new KillOthers({ logger, conditions: ['failure'], killSignal: 'SIGTERM', timeoutMs: STOP_TIMEOUT_MS, abortController }),
      ],
    },
  );

  const state = { stopping: false, finished: false, stoppingSince: 0 };
  const killAll = () => {
    for (const command of commands) if (command.pid) command.kill('SIGKILL');
  };
  const stopAll = (reason) => {
    if (state.stopping) {
      // The same Ctrl-C can arrive twice (from the terminal and forwarded by npm): only a
      // deliberate second one kills.
      if (Date.now() - state.stoppingSince < 1000) return;
      fail(`${reason} again: killing everything now`);
      killAll();
      return;
    }
    state.stopping = true;
    state.stoppingSince = Date.now();
    say(`${reason}: stopping all services`);
    signals.emit('SIGTERM', 'SIGTERM');
    setTimeout(() => {
      fail(`services still running after ${STOP_TIMEOUT_MS / 1000}s: killing them`);
      killAll();
    }, STOP_TIMEOUT_MS).unref();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(signal));
  // `kill <npm's pid>` ends npm without passing the signal on; orphaned, we stop too rather than
  // leave the services holding their ports.
  const parentPid = process.ppid;
  setInterval(() => {
    if (!state.stopping && process.ppid !== parentPid) stopAll('parent process exited');
  }, 1000).unref();

  const finished = result.then(
    () => 0,
    () => 1,
  );
  void finished.then(() => {
    state.finished = true;
  });

  const readiness = await waitUntilReady(processes, state);
  if (readiness.ok) {
    printWhereToLook(processes);
    // Demo data (idempotent: a re-run prints what the first made), unless RUNFLEET_NO_SEED=1. A
    // failed seed is reported but leaves the platform running: only the demo is missing.
    // Spawned, not spawnSync: this process relays the services' logs and must keep doing so.
    if (process.env.RUNFLEET_NO_SEED !== '1') {
      const seedStatus = await new Promise((resolve) => {
        const seed = spawn(process.execPath, [path.join(__dirname, 'seed-demo.js')], { stdio: 'inherit' });
        seed.once('exit', (code) => resolve(code));
        seed.once('error', () => resolve(-1));
      });
      if (seedStatus !== 0) fail(`demo seed failed (exit ${seedStatus}); run it again with: npm run seed`);
    }
  } else if (!state.finished && !state.stopping) {
    fail(`not ready after ${READY_TIMEOUT_MS / 1000}s: ${[...readiness.pending].join(', ')} (/health/ready is not 200)`);
    stopAll('not ready');
    await finished;
    return 1;
  }

  const code = await finished;
  await catcher.close();
  if (code !== 0 && !state.stopping) fail('a service stopped unexpectedly, so everything was stopped');
  return code;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    fail(error.stack || String(error));
    process.exit(1);
  },
);
