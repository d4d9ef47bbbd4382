// The chaos suite's shared pieces (issue 18 item 2): a platform on private infrastructure (its own
// PostgreSQL, RabbitMQ and Redis, which the scenarios restart and pause — the machine's shared
// servers are never touched), a demo world made through the gateway as a client would, and the
// figures every scenario prints.
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { queryRows, startOwnPostgres, startOwnRabbitmq, startOwnRedis, type OwnPostgres, type OwnRabbitmq, type OwnRedis } from '@runfleet/test-infra';
import { declaredTopologies, listDeadLetters } from '@runfleet/messaging';
import { CanaryWatch, type CanaryReport } from '../../e2e/support/canaries';
import { createAdminKey, ROOT, startProcess, startStack, waitForReady, type ServiceName, type Stack, type StackOptions } from '../../e2e/support/stack';

export interface ChaosPlatform {
  stack: Stack;
  pg: OwnPostgres;
  rabbit: OwnRabbitmq;
  redis: OwnRedis;
  /** billing's (or another database service's) database URL on the private server */
  dbUrl(service: ServiceName): string;
  stop(): Promise<void>;
}

/** Starts the private servers, then the five services on them. */
export async function startChaosPlatform(label: string, options: StackOptions = {}): Promise<ChaosPlatform> {
  const [pg, rabbit, redis] = await Promise.all([startOwnPostgres(), startOwnRabbitmq(), startOwnRedis()]);
  let stack: Stack;
  try {
    stack = await startStack(label, { ...options, infra: { pgAdminUrl: pg.url, amqpUrl: rabbit.url, redisUrl: redis.url } });
  } catch (err) {
    await Promise.allSettled([pg.destroy(), rabbit.destroy(), redis.destroy()]);
    throw err;
  }
  return {
    stack,
    pg,
    rabbit,
    redis,
    dbUrl(service) {
      const db = stack.databases[service];
      if (!db) throw new Error(`${service} has no database`);
      return db.url;
    },
    async stop() {
      await stack.stop().catch(() => undefined);
      await Promise.allSettled([pg.destroy(), rabbit.destroy(), redis.destroy()]);
    },
  };
}

/** SIGKILLs a service and waits until it is gone; returns when it did. */
export async function killService(stack: Stack, name: ServiceName): Promise<void> {
  const service = stack.services[name];
  service.child.kill('SIGKILL');
  await service.exited;
}

/** Stops a service for good (SIGTERM, as an operator would) and waits until it has exited. */
export async function stopService(stack: Stack, name: ServiceName): Promise<void> {
  const service = stack.services[name];
  service.child.kill('SIGTERM');
  await service.exited;
}

/** Starts a service again with its former environment and port (the stack stops the new one). */
export async function restartService(stack: Stack, name: ServiceName): Promise<void> {
  const old = stack.services[name];
  const lines = old.lines;
  const fresh = startProcess(name, old.env, old.port);
  // keep the log lines of both lives together for the final search
  fresh.lines.unshift(...lines);
  stack.services[name] = fresh;
  // the stack stops what its replica list holds: the new process in place of the old one
  const replicas = stack.replicas[name];
  const index = replicas.indexOf(old);
  if (index >= 0) replicas[index] = fresh;
  await waitForReady(fresh.url, 60_000);
}

export interface ApiResult {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers of many shapes, checked by each caller
  text: string;
}

/** every error body (4xx, 5xx) the platform answered in this test file, for the secret canaries' search */
const errorBodies: string[] = [];

export async function api(base: string, method: string, route: string, key: string | null, body?: unknown, idempotencyKey?: string, timeoutMs = 30_000): Promise<ApiResult> {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const res = await fetch(`${base}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (res.status >= 400) errorBodies.push(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function created(result: Promise<ApiResult>, what: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await result;
  if (r.status !== 201) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

export interface Customer {
  id: string;
  key: string;
  projectId: string;
  walletId: string;
  currency: string;
}

export interface World {
  adminKey: string;
  resellerId: string;
  resellerKey: string;
  customers: Customer[];
}

/** Waits until `check` returns true (polling), or throws naming `what`. */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 60_000, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A reseller with `customers` customers, each with a key, a project and a wallet funded with
 * `funds`, and a base price for `render` jobs of `unitPrice` per second — all through the gateway.
 */
export async function makeWorld(stack: Stack, customers: number, funds: string, unitPrice = '0.001'): Promise<World> {
  const gw = stack.gatewayUrl;
  const adminKey = createAdminKey(stack);
  const run = randomUUID().slice(0, 8);
  const reseller = await created(api(gw, 'POST', '/v1/resellers', adminKey, { name: 'Chaos Reseller', email: `reseller+${run}@chaos.example`, commissionRateBps: 1000 }, randomUUID()), 'reseller');
  const resellerKey = (await created(api(gw, 'POST', '/v1/api-keys', adminKey, { name: 'chaos reseller', ownerType: 'reseller', ownerId: reseller.id }, randomUUID()), 'reseller key')).key as string;
  const list: Customer[] = [];
  for (let i = 0; i < customers; i++) {
    const customer = await created(api(gw, 'POST', '/v1/customers', resellerKey, { name: `Chaos Customer ${i}`, email: `customer${i}+${run}@chaos.example` }, randomUUID()), 'customer');
    const key = (await created(api(gw, 'POST', '/v1/api-keys', resellerKey, { name: 'chaos customer', ownerType: 'customer', ownerId: customer.id }, randomUUID()), 'customer key')).key as string;
    const project = await created(api(gw, 'POST', '/v1/projects', key, { name: 'chaos' }, randomUUID()), 'project');
    // billing opens the wallet when customer.created arrives
    let wallet: { id: string; currency: string } | undefined;
    await waitUntil(async () => {
      const r = await api(gw, 'GET', `/v1/wallets?ownerId=${customer.id}`, adminKey);
      wallet = r.status === 200 ? r.json.items[0] : undefined;
      return wallet !== undefined;
    }, `the wallet of customer ${i} is opened`);
    await created(api(gw, 'POST', `/v1/wallets/${wallet!.id}/credits`, adminKey, { amount: funds, currency: wallet!.currency, reason: 'chaos funding' }, randomUUID()), 'credit');
    list.push({ id: customer.id, key, projectId: project.id, walletId: wallet!.id, currency: wallet!.currency });
  }
  const currencies = [...new Set(list.map((c) => c.currency))];
  for (const currency of currencies) {
    await created(api(gw, 'POST', '/v1/price-lists', adminKey, { jobType: 'render', unit: 'second', unitPrice, currency }, randomUUID()), 'price list');
  }
  return { adminKey, resellerId: reseller.id, resellerKey, customers: list };
}

/** billing's `verify` CLI against its database: exit code and output. */
export function runVerify(billingDbUrl: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'services/billing/dist/cli/verify.js')], {
    env: { PATH: process.env.PATH, DATABASE_URL: billingDbUrl },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** Rows of billing's outbox not yet published (after recovery: none may stay). */
export async function unpublishedOutbox(dbUrl: string): Promise<number> {
  const [row] = await queryRows<{ n: string }>(dbUrl, 'SELECT count(*)::text AS n FROM outbox_event WHERE published_at IS NULL');
  return Number(row?.n ?? 0);
}

/**
 * True once the outbox is published and stays quiet: nothing unpublished, and no row written
 * during `quietMs`. A drained outbox alone is not the end — a consumer still applying earlier
 * events (billing's commissions on its own charges) writes new rows after it.
 */
export async function outboxSettled(dbUrl: string, quietMs = 2_000): Promise<boolean> {
  const read = async () => (await queryRows<{ unpublished: string; last: string | null }>(dbUrl, 'SELECT count(*) FILTER (WHERE published_at IS NULL)::text AS unpublished, max(seq)::text AS last FROM outbox_event'))[0]!;
  const before = await read();
  if (before.unpublished !== '0') return false;
  await new Promise((resolve) => setTimeout(resolve, quietMs));
  const after = await read();
  return after.unpublished === '0' && after.last === before.last;
}

/** The money figures of billing: Σ balances, Σ charges (net of refunds), Σ credits. */
export async function moneyFigures(billingDbUrl: string): Promise<{ balances: bigint; charges: bigint; credits: bigint; other: bigint }> {
  const [w] = await queryRows<{ s: string }>(billingDbUrl, 'SELECT COALESCE(SUM(balance),0)::text AS s FROM wallet');
  const rows = await queryRows<{ type: string; s: string }>(billingDbUrl, 'SELECT type, COALESCE(SUM(amount),0)::text AS s FROM ledger_entry GROUP BY type');
  const by = new Map(rows.map((r) => [r.type, BigInt(r.s)]));
  const charges = -((by.get('charge') ?? 0n) + (by.get('refund') ?? 0n));
  const credits = by.get('credit') ?? 0n;
  const other = [...by.entries()].filter(([t]) => !['charge', 'refund', 'credit'].includes(t)).reduce((a, [, v]) => a + v, 0n);
  return { balances: BigInt(w?.s ?? '0'), charges, credits, other };
}

/** One line of figures per scenario, in the test output (and kept for the report). */
export function printFigures(scenario: string, figures: Record<string, string | number | bigint>): void {
  const text = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  process.stdout.write(`\n[chaos ${scenario}] ${text}\n`);
}

/**
 * Secret canaries (S8, e2e/support/canaries.ts) after a chaos scenario: the keys and runner tokens
 * it used, and a forged key it sends now, are searched for in every log line of every process
 * (killed ones included), every error body it was answered and every dead letter on the private
 * broker. Returns the report; a scenario expects no hits.
 */
export async function searchSecretCanaries(platform: ChaosPlatform, world: World, runnerTokens: readonly string[] = []): Promise<CanaryReport> {
  const watch = new CanaryWatch();
  for (const key of [world.adminKey, world.resellerKey, ...world.customers.map((c) => c.key)]) watch.plant('api-key', key, true);
  for (const token of runnerTokens) watch.plant('runner-token', token, true);
  const forged = watch.forge('api-key');
  const refused = await api(platform.stack.gatewayUrl, 'GET', '/v1/me', forged);
  if (refused.status !== 401) throw new Error(`a forged key was answered ${refused.status}`);
  for (const body of errorBodies) watch.sawErrorBody(body);
  const texts: Array<{ where: string; text: string }> = [];
  for (const topology of declaredTopologies()) {
    for (const letter of await listDeadLetters(platform.rabbit.url, topology.queue, { limit: 10_000 })) {
      texts.push({ where: `dead letter ${topology.deadQueue}`, text: JSON.stringify(letter) });
    }
  }
  return watch.scan({ lines: platform.stack.allLines(), texts });
}

/** The canaries' figures for a scenario's line. */
export function canaryFigures(report: CanaryReport): Record<string, number> {
  return { canaries: report.searched.canaries, canary_lines_searched: report.searched.lines, dead_letters: report.searched.texts, canary_hits: report.hits.length };
}
