// The local stack without Docker, in one place: which services run on which port, and every
// environment variable each one gets with its default (docs/operations.md lists them).
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/**
 * Shared settings; each may be overridden from the environment `npm start` runs in.
 * POSTGRES_URL is the server only: each database service gets DATABASE_URL = POSTGRES_URL/<its database>.
 */
const SHARED_DEFAULTS = {
  LOG_LEVEL: 'info',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  REDIS_URL: 'redis://127.0.0.1:6379',
  POSTGRES_URL: 'postgresql://postgres@127.0.0.1:5432',
};

/**
 * Where a second stack can live beside the first (another checkout, a test of `npm start`):
 * RUNFLEET_PORT_BASE moves every port (gateway = base, services base+1..base+4, the gateway's
 * metrics base+10); RUNFLEET_DATABASE_PREFIX renames the databases (`<prefix>_reseller`, …).
 */
const PORT_BASE = portBase(process.env.RUNFLEET_PORT_BASE);
const DATABASE_PREFIX = databasePrefix(process.env.RUNFLEET_DATABASE_PREFIX);

function portBase(value) {
  if (value === undefined || value === '') return 8080;
  const base = Number(value);
  if (!Number.isInteger(base) || base < 1024 || base > 65_525) throw new Error(`RUNFLEET_PORT_BASE must be an integer from 1024 to 65525, got "${value}"`);
  return base;
}

function databasePrefix(value) {
  if (value === undefined || value === '') return 'runfleet';
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(value)) throw new Error(`RUNFLEET_DATABASE_PREFIX must be lower-case letters, digits and _, got "${value}"`);
  return value;
}

/**
 * How many processes of each backend service run (the gateway is one): RUNFLEET_REPLICAS or
 * `npm start -- --replicas N`. Replica 1 keeps the service's port; replica k (2..8) answers on
 * base + 10·k + the service's offset (reseller base+21, billing base+22, … for k = 2).
 */
const MAX_REPLICAS = 8;

function replicaCount(value) {
  if (value === undefined || value === '') return 1;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_REPLICAS) throw new Error(`replicas must be an integer from 1 to ${MAX_REPLICAS}, got "${value}"`);
  return count;
}

/** The local SMTP catcher (scripts/mail-catcher.js) that the notifications service mails to. */
const SMTP_CATCHER_PORT = PORT_BASE + 5;

/** Generated once into .runfleet/secrets.env (git-ignored) and reused, unless set in the environment. */
const SECRET_NAMES = ['PRINCIPAL_SECRET', 'API_KEY_PEPPER', 'IDEMPOTENCY_ENCRYPTION_KEY', 'RUNNER_TOKEN_PEPPER'];
const SECRETS_FILE = path.join(ROOT, '.runfleet', 'secrets.env');

/**
 * The five services. `database` is set for the services that own one (DESIGN.md §1);
 * `env` lists the variables a service reads beyond PORT and LOG_LEVEL.
 */
const SERVICES = [
  {
    name: 'api-gateway',
    port: PORT_BASE,
    // /metrics, internal only: the public port does not serve it (issue 12 item 5)
    metricsPort: PORT_BASE + 10,
    database: null,
    env: ['PRINCIPAL_SECRET', 'AMQP_URL', 'REDIS_URL', 'RESELLER_URL', 'BILLING_URL', 'RUNNER_REGISTRY_URL', 'NOTIFICATIONS_URL', 'METRICS_PORT', 'IDEMPOTENCY_ENCRYPTION_KEY'],
  },
  {
    name: 'reseller',
    port: PORT_BASE + 1,
    database: `${DATABASE_PREFIX}_reseller`,
    env: ['PRINCIPAL_SECRET', 'AMQP_URL', 'DATABASE_URL', 'API_KEY_PEPPER'],
  },
  { name: 'billing', port: PORT_BASE + 2, database: `${DATABASE_PREFIX}_billing`, env: ['PRINCIPAL_SECRET', 'AMQP_URL', 'DATABASE_URL'] },
  {
    name: 'runner-registry',
    port: PORT_BASE + 3,
    database: `${DATABASE_PREFIX}_runner_registry`,
    env: ['PRINCIPAL_SECRET', 'AMQP_URL', 'DATABASE_URL', 'REDIS_URL', 'RUNNER_TOKEN_PEPPER'],
  },
  {
    name: 'notifications',
    port: PORT_BASE + 4,
    database: `${DATABASE_PREFIX}_notifications`,
    env: ['PRINCIPAL_SECRET', 'AMQP_URL', 'DATABASE_URL', 'SMTP_URL', 'BILLING_URL', 'CONSOLE_URL'],
  },
];

/** The URL a service answers on locally; the gateway's upstream variables point here. */
function serviceUrl(name, replica = 1) {
  return `http://127.0.0.1:${replicaPort(name, replica)}`;
}

/** The port of a service's replica (1-based); the gateway runs once, on its own port. */
function replicaPort(name, replica = 1) {
  const service = SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`unknown service ${name}`);
  if (replica === 1) return service.port;
  if (service.name === 'api-gateway') throw new Error('the gateway runs as one process');
  return PORT_BASE + 10 * replica + (service.port - PORT_BASE);
}

/** 'runner-registry' -> 'RUNNER_REGISTRY_URL', the gateway's variable for that upstream. */
function upstreamVariable(name) {
  return `${name.toUpperCase().replace(/-/g, '_')}_URL`;
}

function parseEnvFile(text) {
  const values = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) values[match[1]] = match[2].trim();
  }
  return values;
}

/**
 * The secrets, from the environment first, then .runfleet/secrets.env; any still missing is
 * generated (256 random bits) and written there, so restarts keep API keys and principals valid.
 */
function loadSecrets(environment = process.env, file = SECRETS_FILE) {
  const stored = fs.existsSync(file) ? parseEnvFile(fs.readFileSync(file, 'utf8')) : {};
  let changed = false;
  for (const name of SECRET_NAMES) {
    if (!stored[name]) {
      stored[name] = crypto.randomBytes(32).toString('base64url');
      changed = true;
    }
  }
  if (changed) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const lines = Object.entries(stored).map(([key, value]) => `${key}=${value}`);
    fs.writeFileSync(file, `# Generated by npm start; delete to rotate (API keys issued before then stop working).\n${lines.join('\n')}\n`, {
      mode: 0o600,
    });
  }
  const secrets = {};
  for (const name of SECRET_NAMES) secrets[name] = environment[name] || stored[name];
  return secrets;
}

function databaseUrl(postgresUrl, database) {
  const url = new URL(postgresUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * The variables one service reads, with their values; they override anything of the same name
 * in the shell `npm start` runs in (a stray PORT or DATABASE_URL there changes nothing).
 * `replicas`: how many processes of each backend service run, and which of them (1-based) this is.
 */
function serviceEnv(name, secrets, environment = process.env, replicas = { count: 1, replica: 1 }) {
  const service = SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`unknown service ${name}`);
  const shared = {};
  for (const [key, fallback] of Object.entries(SHARED_DEFAULTS)) shared[key] = environment[key] || fallback;

  const available = {
    ...secrets,
    AMQP_URL: shared.AMQP_URL,
    REDIS_URL: shared.REDIS_URL,
    // a real SMTP server when the environment names one, else the local catcher
    SMTP_URL: environment.SMTP_URL || `smtp://127.0.0.1:${SMTP_CATCHER_PORT}`,
    // account mail's verify, reset and invitation links: the console the gateway serves
    CONSOLE_URL: environment.CONSOLE_URL || `http://127.0.0.1:${PORT_BASE}/console`,
    ...(service.database ? { DATABASE_URL: databaseUrl(shared.POSTGRES_URL, service.database) } : {}),
    ...(service.metricsPort ? { METRICS_PORT: String(service.metricsPort) } : {}),
  };
  for (const upstream of SERVICES) {
    if (upstream.name === 'api-gateway') continue;
    // every replica, comma-separated: the gateway balances them round-robin
    const urls = Array.from({ length: replicas.count }, (_, i) => serviceUrl(upstream.name, i + 1));
    available[upstreamVariable(upstream.name)] = urls.join(',');
  }

  const env = { PORT: String(replicaPort(name, replicas.replica)), LOG_LEVEL: shared.LOG_LEVEL };
  for (const key of service.env) {
    if (available[key] === undefined) throw new Error(`${name}: no value for ${key}`);
    env[key] = available[key];
  }
  return env;
}

module.exports = {
  ROOT,
  SERVICES,
  SMTP_CATCHER_PORT,
  SHARED_DEFAULTS,
  SECRET_NAMES,
  SECRETS_FILE,
  MAX_REPLICAS,
  replicaCount,
  replicaPort,
  serviceUrl,
  upstreamVariable,
  loadSecrets,
  serviceEnv,
};
