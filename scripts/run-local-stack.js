#!/usr/bin/env node
// Runs the built platform without Docker: applies every service's migrations, starts the five
// services as child processes with prefixed, coloured logs, waits until each is ready, prints
// where to look, and stops them all gracefully on Ctrl-C or SIGTERM. Called by scripts/start.sh.
'use strict';

const { spawn } = require('node:child_process');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { createConcurrently, Logger, LogError, LogOutput, LogExit, KillOnSignal, KillOthers } = require('concurrently');
const { ROOT, SERVICES, SMTP_CATCHER_PORT, loadSecrets, serviceEnv, serviceUrl } = require('../infra/local-stack');
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

async function isReady(service) {
  try {
    const response = await fetch(`${serviceUrl(service.name)}/health/ready`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Polls every service's /health/ready until all answer 200, one stops, or time runs out. */
async function waitUntilReady(services, state) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const pending = new Set(services.map((s) => s.name));
  while (pending.size > 0) {
    if (state.finished || state.stopping) return { ok: false, pending };
    for (const service of services) {
      if (pending.has(service.name) && (await isReady(service))) pending.delete(service.name);
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) return { ok: false, pending };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { ok: true, pending };
}

function printWhereToLook() {
  const gateway = serviceUrl('api-gateway');
  const lines = [
    '',
    bold('Runfleet is up.'),
    `  Gateway (the public API)  ${gateway}`,
    `  API docs                  ${gateway}/docs`,
    `  Gateway health            ${gateway}/health/ready`,
    `  RabbitMQ management UI    http://127.0.0.1:15672   (guest / guest)`,
    `  Mail sent (SMTP catcher)  ${MAIL_DIR}/*.eml   (SMTP on 127.0.0.1:${SMTP_CATCHER_PORT})`,
    `  Services                  ${SERVICES.filter((s) => s.name !== 'api-gateway')
      .map((s) => `${s.name} :${s.port}`)
      .join(', ')}`,
    '  Press Ctrl-C to stop everything.',
    '',
  ];
  console.log(lines.join('\n'));
}

async function main() {
  const missing = SERVICES.filter((s) => !fs.existsSync(path.join(serviceDir(s.name), 'dist', 'main.js')));
  if (missing.length > 0) {
    fail(`not built: ${missing.map((s) => `services/${s.name}/dist/main.js`).join(', ')} (run: npx tsc -b)`);
    return 1;
  }

  const busy = [];
  for (const service of SERVICES) {
    for (const port of [service.port, service.metricsPort].filter(Boolean)) if (await portInUse(port)) busy.push(`${port} (${service.name})`);
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
  const { commands, result } = createConcurrently(
    SERVICES.map((s, i) => ({
      name: s.name,
      command: 'exec node dist/main.js',
      cwd: serviceDir(s.name),
      env: envs[s.name],
      prefixColor: COLORS[i % COLORS.length],
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
  // leave five services holding their ports.
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

  const readiness = await waitUntilReady(SERVICES, state);
  if (readiness.ok) {
    printWhereToLook();
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
