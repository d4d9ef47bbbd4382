// Liveness and readiness for load balancers and orchestrators (DESIGN.md §9): readiness runs
// every dependency check in parallel with a timeout, and turns 503 the moment shutdown begins
// so traffic drains before the server stops accepting.
import type { RequestHandler } from 'express';
import { maskUrlCredentials } from './credentials';

export interface HealthCheck {
  /** key in the readiness body: db, redis, amqp, ... */
  name: string;
  /** resolves when the dependency is usable, rejects (or times out) otherwise */
  check: () => Promise<void>;
  /** default 2000 */
  timeoutMs?: number;
}

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, string>;
}

export interface Health {
  live: RequestHandler;
  ready: RequestHandler;
  /** runs every check now (what /health/ready answers) */
  readiness(): Promise<ReadinessReport>;
  /** adds a check after creation (e.g. a consumer registers its broker check) */
  add(check: HealthCheck): void;
  /** from now on live and ready answer 503; called by runService on SIGTERM */
  beginShutdown(): void;
  readonly shuttingDown: boolean;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;
const MAX_REASON_LENGTH = 120;

/** A reason safe to show unauthenticated: one line, short, credentials masked. */
function shortReason(err: unknown): string {
  const message = err instanceof Error ? err.message || err.name : String(err);
  const oneLine = maskUrlCredentials(message).replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_REASON_LENGTH ? `${oneLine.slice(0, MAX_REASON_LENGTH - 1)}…` : oneLine;
}

async function runCheck(check: HealthCheck): Promise<string> {
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // Promise.resolve().then() also turns a check that throws synchronously into a failure.
    await Promise.race([Promise.resolve().then(check.check), timeout]);
    return 'ok';
  } catch (err) {
    return `fail: ${shortReason(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

export function createHealth(initialChecks: HealthCheck[] = []): Health {
  const checks = [...initialChecks];
  let shuttingDown = false;

  async function readiness(): Promise<ReadinessReport> {
    if (shuttingDown) return { status: 'unavailable', checks: { shutdown: 'fail: shutting down' } };
    const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const ok = results.every(([, result]) => result === 'ok');
    return { status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) };
  }

  const live: RequestHandler = (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (shuttingDown) res.status(503).json({ status: 'shutting_down' });
    else res.status(200).json({ status: 'ok' });
  };

  const ready: RequestHandler = async (_req, res) => {
    const report = await readiness();
    res.set('Cache-Control', 'no-store');
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  };

  return {
    live,
    ready,
    readiness,
    add: (check) => {
      checks.push(check);
    },
    beginShutdown: () => {
      shuttingDown = true;
    },
    get shuttingDown() {
      return shuttingDown;
    },
  };
}

interface CheckOptions {
  name?: string;
  timeoutMs?: number;
}

function withOptions(defaultName: string, check: () => Promise<void>, options: CheckOptions): HealthCheck {
  const result: HealthCheck = { name: options.name ?? defaultName, check };
  if (options.timeoutMs !== undefined) result.timeoutMs = options.timeoutMs;
  return result;
}

/** `sqlCheck(() => prisma.$queryRaw\`SELECT 1\`)` — ok when the query resolves. */
export function sqlCheck(queryFn: () => Promise<unknown>, options: CheckOptions = {}): HealthCheck {
  return withOptions('db', async () => {
    await queryFn();
  }, options);
}

/** `redisCheck(() => redis.ping())` — ok when the ping answers PONG. */
export function redisCheck(pingFn: () => Promise<string>, options: CheckOptions = {}): HealthCheck {
  return withOptions('redis', async () => {
    const reply = await pingFn();
    if (reply !== 'PONG') throw new Error(`unexpected ping reply ${JSON.stringify(reply).slice(0, 40)}`);
  }, options);
}

/** `amqpCheck(() => bus.isConnected())` — ok while the broker connection is up. */
export function amqpCheck(isConnectedFn: () => boolean | Promise<boolean>, options: CheckOptions = {}): HealthCheck {
  return withOptions('amqp', async () => {
    if (!(await isConnectedFn())) throw new Error('not connected to the broker');
  }, options);
}

/** `httpCheck('http://billing:8082/health/live', { name: 'billing' })` — ok on any 2xx. */
export function httpCheck(url: string, options: CheckOptions = {}): HealthCheck {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  return withOptions('http', async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`status ${response.status}`);
  }, options);
}
