// Clients and runners as the chaos scenarios drive them through the gateway: a client retries a
// POST with the same Idempotency-Key while the platform answers 5xx, 409 "in flight" or not at all
// (as a well-behaved client must); a runner long-polls for jobs, starts and completes each.
import { randomUUID } from 'node:crypto';
import { api, type ApiResult, type Customer } from './chaos';

export interface Tally {
  /** answers by status ("net" for no answer at all) */
  statuses: Record<string, number>;
  /** attempts beyond the first */
  retries: number;
}

export function newTally(): Tally {
  return { statuses: {}, retries: 0 };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fault the client waits out and retries (same key): no answer, 5xx, or the key still in flight. */
function retryable(r: ApiResult | null): boolean {
  return r === null || r.status >= 500 || (r.status === 409 && r.json?.code === 'IDEMPOTENCY_REQUEST_IN_FLIGHT') || r.status === 429;
}

/** POSTs until an answer that is not a fault, with the same Idempotency-Key every time. */
export async function postRetrying(base: string, route: string, key: string, body: unknown, tally: Tally, idempotencyKey: string = randomUUID(), deadlineMs = 90_000): Promise<ApiResult> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) tally.retries++;
    let r: ApiResult | null;
    try {
      r = await api(base, 'POST', route, key, body, idempotencyKey, 15_000);
    } catch {
      r = null;
    }
    const label = r === null ? 'net' : String(r.status);
    tally.statuses[label] = (tally.statuses[label] ?? 0) + 1;
    if (!retryable(r)) return r!;
    if (Date.now() > deadline) throw new Error(`POST ${route} still failing after ${deadlineMs} ms (last: ${label})`);
    await pause(r === null ? 300 : 500);
  }
}

/** Registers `count` runners of the customer (a registration token of its own) and returns their tokens. */
export async function registerRunners(gateway: string, customer: Customer, count: number): Promise<string[]> {
  const token = await api(gateway, 'POST', '/v1/registration-tokens', customer.key, { description: 'chaos runners', maxUses: count }, randomUUID());
  if (token.status !== 201) throw new Error(`registration token: ${token.status} ${token.text}`);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const runner = await api(gateway, 'POST', '/v1/runners', token.json.token, { name: `chaos-runner-${i}`, jobTypes: ['render'], capacity: 4, version: '0.1.0' });
    if (runner.status !== 201) throw new Error(`runner: ${runner.status} ${runner.text}`);
    tokens.push(runner.json.token as string);
  }
  return tokens;
}

export interface RunnerLog {
  /** job ids as the runners received them from claims, one entry per claim answer */
  claimed: string[];
  completed: Set<string>;
  tally: Tally;
}

/**
 * One runner until `stopped()`: long-polls for a job (`waitSeconds`), starts it and completes it
 * with 1 unit. Errors (the platform faulting) are waited out and the step retried; a 409 on start
 * or complete means the job moved on meanwhile (e.g. our earlier attempt did land).
 */
export async function runRunner(gateway: string, token: string, stopped: () => boolean, log: RunnerLog, waitSeconds = 2): Promise<void> {
  const step = async (route: string, body: unknown): Promise<ApiResult | null> => {
    for (;;) {
      let r: ApiResult | null;
      try {
        r = await api(gateway, 'POST', route, token, body, undefined, (waitSeconds + 10) * 1000);
      } catch {
        r = null;
      }
      const label = r === null ? 'net' : String(r.status);
      log.tally.statuses[label] = (log.tally.statuses[label] ?? 0) + 1;
      if (r !== null && r.status < 500 && r.status !== 429) return r;
      log.tally.retries++;
      if (stopped() && route.endsWith('/claim')) return null;
      await pause(300);
    }
  };
  let heartbeatAt = 0;
  while (!stopped()) {
    // a runner silent for 5 heartbeat intervals (10 s each by default) counts as offline
    if (Date.now() - heartbeatAt > 5_000) {
      heartbeatAt = Date.now();
      await api(gateway, 'POST', '/v1/runners/me/heartbeat', token, { version: '0.1.0' }, undefined, 5_000).catch(() => undefined);
    }
    const claim = await step('/v1/runners/me/jobs/claim', { waitSeconds });
    if (!claim || claim.status !== 200) continue;
    const jobId = claim.json.id as string;
    log.claimed.push(jobId);
    await step(`/v1/runners/me/jobs/${jobId}/start`, {});
    const done = await step(`/v1/runners/me/jobs/${jobId}/complete`, { units: '1', durationMs: 1000 });
    if (done && (done.status === 200 || done.status === 409)) log.completed.add(jobId);
  }
}

/** How many times each job id was received, for the ones received more than once. */
export function doubles(ids: readonly string[]): string[] {
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  return [...seen.entries()].filter(([, n]) => n > 1).map(([id]) => id);
}

/** A job's submission as a customer sends it (1 unit at most; the price list prices a second). */
export function jobBody(customer: Customer, maxCost = '1'): Record<string, unknown> {
  return { projectId: customer.projectId, type: 'render', payload: { scene: 'chaos' }, maxCost: { amount: maxCost, currency: customer.currency } };
}
