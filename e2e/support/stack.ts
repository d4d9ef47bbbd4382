// Starts the whole platform as real processes from the built dist/ (as `npm start` runs it), each
// database service on a fresh database, all on a fresh vhost, on free ports — so this suite runs
// beside every other one. Collects every log line for assertions.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createTestDatabase, createTestVhost, REDIS_URL, uniqueRedisPrefix, type TestDatabase, type TestVhost } from '@runfleet/test-infra';

export const ROOT = path.resolve(__dirname, '../..');

export const SERVICES = ['api-gateway', 'reseller', 'billing', 'runner-registry', 'notifications'] as const;
export type ServiceName = (typeof SERVICES)[number];
const DATABASE_SERVICES: ServiceName[] = ['reseller', 'billing', 'runner-registry', 'notifications'];

export function mainOf(service: ServiceName): string {
  return path.join(ROOT, 'services', service, 'dist', 'main.js');
}

export function assertBuilt(): void {
  const missing = SERVICES.filter((s) => !existsSync(mainOf(s)));
  if (missing.length > 0) {
    throw new Error(`e2e needs a build (npm test builds first; or run npx tsc -b): missing ${missing.join(', ')}`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningService {
  name: ServiceName;
  port: number;
  url: string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  /** every line the process wrote to stdout and stderr */
  lines: string[];
  exited: Promise<number | null>;
}

export interface Stack {
  /** the first (or only) process of each service */
  services: Record<ServiceName, RunningService>;
  /** every process of each service: the gateway's one, and `replicas` of every other service */
  replicas: Record<ServiceName, RunningService[]>;
  gatewayUrl: string;
  secrets: { principalSecret: string; apiKeyPepper: string; runnerTokenPepper: string };
  databases: Partial<Record<ServiceName, TestDatabase>>;
  vhost: TestVhost;
  /** every log line of every service, prefixed with its name */
  allLines(): string[];
  /** stops every service still running (SIGTERM, then SIGKILL after 12 s) and drops the databases and vhost */
  stop(): Promise<void>;
}

/** Starts one service from its build; a test restarts a killed one with its `env` and `port`. */
export function startProcess(name: ServiceName, env: NodeJS.ProcessEnv, port: number): RunningService {
  const child = spawn(process.execPath, [mainOf(name)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, port, url: `http://127.0.0.1:${port}`, env, child, lines, exited };
}

export async function waitForReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}

export interface StackOptions {
  /** extra environment per service, applied last (e.g. the gateway's RESELLER_URL through a test proxy) */
  env?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  /** called once every process is spawned, before waiting until they are ready */
  started?: (services: Record<ServiceName, RunningService>) => void;
  /**
   * processes of every backend service (default 1), each on its own port with the same database,
   * vhost and Redis prefix; the gateway gets all their URLs and balances them (`npm start -- --replicas N`)
   */
  replicas?: number;
  /**
   * Private infrastructure instead of the machine's shared servers (the chaos suite's own
   * PostgreSQL, RabbitMQ and Redis, which it restarts and pauses): databases are made on
   * `pgAdminUrl`'s server, `amqpUrl` is used as it is (no vhost is made), `redisUrl` replaces REDIS_URL.
   */
  infra?: { pgAdminUrl?: string; amqpUrl?: string; redisUrl?: string };
}

export async function startStack(label: string, options: StackOptions = {}): Promise<Stack> {
  assertBuilt();
  const secrets = {
    principalSecret: randomBytes(32).toString('hex'),
    apiKeyPepper: randomBytes(32).toString('hex'),
    runnerTokenPepper: randomBytes(32).toString('hex'),
  };
  const ownAmqpUrl = options.infra?.amqpUrl;
  const vhost: TestVhost = ownAmqpUrl ? { name: '/', url: ownAmqpUrl, drop: async () => undefined } : await createTestVhost(`e2e_${label}`);
  const databases: Partial<Record<ServiceName, TestDatabase>> = {};
  const replicaCount = options.replicas ?? 1;
  const countOf = (name: ServiceName) => (name === 'api-gateway' ? 1 : replicaCount);
  const replicaPorts = {} as Record<ServiceName, number[]>;
  for (const name of SERVICES) {
    replicaPorts[name] = [];
    for (let i = 0; i < countOf(name); i += 1) replicaPorts[name].push(await freePort());
  }
  const urlsOf = (name: ServiceName) => replicaPorts[name].map((p) => `http://127.0.0.1:${p}`).join(',');
  const gatewayMetricsPort = await freePort();
  for (const name of DATABASE_SERVICES) {
    const db = await createTestDatabase(`e2e_${label}_${name}`, options.infra?.pgAdminUrl);
    databases[name] = db;
    const migrate = spawnSync(process.execPath, [path.join(ROOT, 'services', name, 'dist', 'migrate.js')], {
      env: { ...process.env, DATABASE_URL: db.url },
      encoding: 'utf8',
    });
    if (migrate.status !== 0) throw new Error(`migrating ${name} failed: ${migrate.stderr}`);
  }
  const common = {
    PATH: process.env.PATH,
    LOG_LEVEL: 'info',
    PRINCIPAL_SECRET: secrets.principalSecret,
    AMQP_URL: vhost.url,
    REDIS_URL: options.infra?.redisUrl ?? REDIS_URL,
  };
  const registryRedisPrefix = uniqueRedisPrefix(`e2e_${label}_registry`);
  const envOf = (name: ServiceName, port: number): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...common, PORT: String(port) };
    const db = databases[name];
    if (db) env.DATABASE_URL = db.url;
    if (name === 'reseller') env.API_KEY_PEPPER = secrets.apiKeyPepper;
    if (name === 'runner-registry') {
      env.RUNNER_TOKEN_PEPPER = secrets.runnerTokenPepper;
      // one prefix for all replicas: they share heartbeats and the queued-job wake-ups
      env.REDIS_KEY_PREFIX = registryRedisPrefix;
    }
    if (name === 'notifications') {
      // invoice.issued email attaches the PDF it reads from billing
      env.BILLING_URL = urlsOf('billing');
      // account mail links to the console this stack's gateway serves (as infra/local-stack.js does)
      env.CONSOLE_URL = `${urlsOf('api-gateway')}/console`;
    }
    if (name === 'api-gateway') {
      env.REDIS_KEY_PREFIX = uniqueRedisPrefix(`e2e_${label}`);
      env.METRICS_PORT = String(gatewayMetricsPort);
      env.RESELLER_URL = urlsOf('reseller');
      env.BILLING_URL = urlsOf('billing');
      env.RUNNER_REGISTRY_URL = urlsOf('runner-registry');
      env.NOTIFICATIONS_URL = urlsOf('notifications');
    }
    return { ...env, ...options.env?.[name] };
  };
  const replicas = {} as Record<ServiceName, RunningService[]>;
  for (const name of SERVICES) replicas[name] = replicaPorts[name].map((port) => startProcess(name, envOf(name, port), port));
  const services = Object.fromEntries(SERVICES.map((name) => [name, replicas[name][0]])) as Record<ServiceName, RunningService>;
  // every process the stack knows, also one a test started in place of a killed one and put in
  // `services` only: a process left running keeps jest from exiting
  const everyProcess = () => [...new Set([...SERVICES.flatMap((name) => replicas[name]), ...Object.values(services)])];
  const stack: Stack = {
    services,
    replicas,
    gatewayUrl: services['api-gateway'].url,
    secrets,
    databases,
    vhost,
    allLines: () =>
      SERVICES.flatMap((name) => replicas[name].flatMap((service, i) => service.lines.map((line) => `[${i === 0 ? name : `${name}-${i + 1}`}] ${line}`))),
    async stop() {
      await Promise.all(
        everyProcess().map(async (service) => {
          if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGTERM');
          const timer = setTimeout(() => service.child.kill('SIGKILL'), 12_000);
          await service.exited;
          clearTimeout(timer);
        }),
      );
      await Promise.all(Object.values(databases).map((db) => db?.drop()));
      await vhost.drop();
    },
  };
  options.started?.(services);
  try {
    await Promise.all(everyProcess().map((service) => waitForReady(service.url)));
  } catch (err) {
    const logs = stack.allLines().slice(-40).join('\n');
    await stack.stop();
    throw new Error(`${(err as Error).message}\n--- last log lines ---\n${logs}`);
  }
  return stack;
}

/** Runs a service's main with the given environment until it exits; returns its exit code and output. */
export function runToExit(name: ServiceName, env: NodeJS.ProcessEnv, timeoutMs = 15_000): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [mainOf(name)], { env, encoding: 'utf8', timeout: timeoutMs });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Creates the first admin key with the reseller service's bootstrap CLI, as an operator would. */
export function createAdminKey(stack: Stack): string {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'services/reseller/dist/cli/create-admin-key.js'), '--name', 'e2e'], {
    env: { PATH: process.env.PATH, DATABASE_URL: stack.databases.reseller?.url, API_KEY_PEPPER: stack.secrets.apiKeyPepper },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`create-admin-key failed: ${result.stderr}`);
  const key = result.stdout.trim().split('\n').pop() ?? '';
  if (!key.startsWith('rf_')) throw new Error(`create-admin-key printed no key: ${result.stdout}`);
  return key;
}
