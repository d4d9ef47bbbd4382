// The webhook dispatcher (issue 17 item 2): sends the deliveries the channel recorded, after their
// transaction committed. It claims due deliveries with SKIP LOCKED (replicas share the work, never
// the same row), runs each attempt with a per-process and a per-endpoint limit on attempts in
// flight, and records results in batches. An endpoint at its limit is left out of the next claim,
// so one hanging endpoint holds only its own slots and never delays the others (no head-of-line
// blocking on a shared queue). A claim is a lease: a delivery whose dispatcher died mid-attempt is
// due again when the lease ends, and is sent again with the same webhook-id (at least once).
// Hand-written rather than a job queue library: the queue is the delivery table itself, so a
// delivery, its retries and its replay are one row the API reads, with no second store to agree with.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { pgExecutor, pgTransactions } from '@runfleet/messaging';
import type { Logger } from '@runfleet/service-kit';
import { emitEvents, event, type PendingEvent } from '../data/outbox.repository';
import {
  claimDue,
  disableEndpoint,
  insertAttempts,
  lockEndpoints,
  markFailing,
  recordSuccesses,
  updateDeliveries,
  type AttemptRow,
  type ClaimedDelivery,
  type DeliveryUpdate,
} from '../data/dispatch.repository';
import { afterFailedAttempts } from '../domain/endpoint-health';
import type { SecretCipher } from '../domain/secret-cipher';
import { retryDelay, type WebhookPolicy } from '../domain/webhook-policy';
import { secretKey } from '../domain/webhook-secret';
import type { WebhookMetrics } from './webhook-metrics';
import type { AttemptResult, WebhookSender } from './webhook-sender';

export interface DispatcherOptions {
  pool: Pool;
  sender: WebhookSender;
  cipher: SecretCipher;
  policy: WebhookPolicy;
  logger: Logger;
  metrics: WebhookMetrics;
  now?: () => Date;
  /** attempts in flight in this process */
  concurrency: number;
  /** attempts in flight per endpoint in this process */
  perEndpointConcurrency: number;
  /** how often an idle dispatcher looks for due deliveries */
  pollMs: number;
  /** the sender's timeout; a claim's lease is a little longer than one attempt can take */
  timeoutMs: number;
  /** wakes the outbox relay after a batch wrote webhook.endpoint_* events */
  outboxCommitted?: () => void;
}

interface Finished {
  delivery: ClaimedDelivery;
  result: AttemptResult;
  attemptedAt: Date;
}

const MAX_CLAIM = 500;

export class WebhookDispatcher {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly inFlight = new Map<string, number>();
  private inFlightTotal = 0;
  private readonly attempts = new Set<Promise<void>>();
  private finished: Finished[] = [];
  private flushing: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly keys = new Map<string, Buffer>();
  private readonly now: () => Date;

  private readonly claimBatch: number;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? (() => new Date());
    this.claimBatch = Math.max(1, Math.floor(options.concurrency / 2));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Looks for due deliveries now rather than at the next poll (after a test event or a replay). */
  poke(): void {
    this.wake?.();
  }

  /**
   * Stops claiming, lets the attempts in flight finish (for at most `graceMs`) and records them.
   * An attempt still running then is left to its lease: it is sent again, same webhook-id, later.
   */
  async stop(graceMs = Infinity): Promise<void> {
    this.running = false;
    this.poke();
    await this.loopDone;
    let timer: NodeJS.Timeout | undefined;
    const grace = Number.isFinite(graceMs) ? new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))) : new Promise<void>(() => undefined);
    await Promise.race([Promise.allSettled([...this.attempts]), grace]);
    clearTimeout(timer);
    await this.flush();
  }

  private leaseMs(): number {
    return this.options.timeoutMs + Math.max(1_000, this.options.timeoutMs);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const free = this.options.concurrency - this.inFlightTotal;
      if (free > 0) {
        try {
          const limit = Math.min(free, MAX_CLAIM);
          const due = await claimDue(pgExecutor(this.options.pool), {
            now: this.now(),
            leaseMs: this.leaseMs(),
            limit,
            perEndpointLimit: this.options.perEndpointConcurrency,
            inFlight: this.inFlight,
          });
          for (const delivery of due) this.run(delivery);
          // A full claim means more may be due: claim again as soon as there is room.
          if (due.length === limit && this.inFlightTotal < this.options.concurrency) continue;
        } catch (err) {
          this.options.logger.warn({ err }, 'claiming due webhook deliveries failed; will retry');
        }
      }
      await this.sleep(this.options.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private run(delivery: ClaimedDelivery): void {
    this.inFlight.set(delivery.endpointId, (this.inFlight.get(delivery.endpointId) ?? 0) + 1);
    this.inFlightTotal += 1;
    const attempt = this.attempt(delivery).finally(() => {
      const left = (this.inFlight.get(delivery.endpointId) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(delivery.endpointId);
      else this.inFlight.set(delivery.endpointId, left);
      this.inFlightTotal -= 1;
      this.attempts.delete(attempt);
      // Claim again once half of the slots is free (or at the next poll), not after every
      // attempt: one claim per finished attempt made the claim query the bottleneck under load.
      if (this.options.concurrency - this.inFlightTotal >= this.claimBatch) this.poke();
    });
    this.attempts.add(attempt);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const attemptedAt = this.now();
    let result: AttemptResult;
    try {
      result = await this.options.sender.send(
        { url: delivery.url, messageId: delivery.messageId, body: delivery.body, keys: this.signingKeys(delivery, attemptedAt) },
        attemptedAt,
      );
    } catch (err) {
      // The sender answers every failure with a result; this is a defect (e.g. a secret that does
      // not open), recorded as an error attempt so it is visible and retried, never lost.
      this.options.logger.error({ err, deliveryId: delivery.id }, 'webhook attempt failed unexpectedly');
      result = { outcome: 'error', responseStatus: null, durationMs: 0, responseBody: null, error: 'internal error preparing the delivery' };
    }
    this.options.metrics.attempts.inc({ outcome: result.outcome });
    this.options.metrics.attemptDuration.observe({ outcome: result.outcome }, result.durationMs / 1000);
    this.finished.push({ delivery, result, attemptedAt });
    void this.flush();
  }

  /** The current secret, and the previous one while its overlap lasts; opened once per sealed value. */
  private signingKeys(delivery: ClaimedDelivery, now: Date): Buffer[] {
    const keys = [this.open(delivery.secretSealed, delivery.endpointId)];
    if (delivery.previousSecretSealed && delivery.previousSecretExpiresAt && delivery.previousSecretExpiresAt > now) {
      keys.push(this.open(delivery.previousSecretSealed, delivery.endpointId));
    }
    return keys;
  }

  private open(sealed: string, endpointId: string): Buffer {
    let key = this.keys.get(sealed);
    if (!key) {
      key = secretKey(this.options.cipher.open(sealed, endpointId));
      if (this.keys.size >= 10_000) this.keys.clear();
      this.keys.set(sealed, key);
    }
    return key;
  }

  /** Records every finished attempt in one transaction; one batch at a time (group commit). */
  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.finished.length === 0) return Promise.resolve();
    this.flushing = (async () => {
      while (this.finished.length > 0) {
        const batch = this.finished;
        this.finished = [];
        try {
          await this.record(batch);
        } catch (err) {
          // Not recorded: the deliveries stay leased and are attempted again when the lease ends.
          this.options.logger.warn({ err, attempts: batch.length }, 'recording webhook attempts failed; they will be retried');
        }
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async record(batch: Finished[]): Promise<void> {
    const now = this.now();
    const attemptRow = ({ delivery, result, attemptedAt }: Finished): AttemptRow => ({
      id: randomUUID(),
      deliveryId: delivery.id,
      outcome: result.outcome,
      responseStatus: result.responseStatus,
      durationMs: result.durationMs,
      responseBody: result.responseBody,
      error: result.error,
      attemptedAt,
    });
    const successes = batch.filter((f) => f.result.outcome === 'succeeded');
    const failures = batch.filter((f) => f.result.outcome !== 'succeeded');
    const succeeded = new Set(successes.map((f) => f.delivery.endpointId));
    if (successes.length > 0) {
      await recordSuccesses(pgExecutor(this.options.pool), successes.map(attemptRow), [...succeeded], now);
      this.options.metrics.completed.inc({ status: 'succeeded' }, successes.length);
    }
    if (failures.length > 0) await this.recordFailures(failures, succeeded, now, attemptRow);
  }

  /** Failed attempts: their retries, and what the run of failures does to each endpoint, in one transaction. */
  private async recordFailures(
    batch: Finished[],
    succeeded: ReadonlySet<string>,
    now: Date,
    attemptRow: (f: Finished) => AttemptRow,
  ): Promise<void> {
    const failures = new Map<string, { firstFailureAt: Date; gone: boolean }>();
    for (const { delivery, result, attemptedAt } of batch) {
      const seen = failures.get(delivery.endpointId);
      const gone = result.responseStatus === 410;
      if (!seen) failures.set(delivery.endpointId, { firstFailureAt: attemptedAt, gone });
      else {
        if (attemptedAt < seen.firstFailureAt) seen.firstFailureAt = attemptedAt;
        seen.gone ||= gone;
      }
    }
    const updates: DeliveryUpdate[] = batch.map(({ delivery, result, attemptedAt }) => {
      const delay = retryDelay(this.options.policy, delivery.attemptCount + 1 - delivery.replayBase);
      return delay === null
        ? { id: delivery.id, status: 'failed', nextAttemptAt: attemptedAt, attemptedAt }
        : // the delay runs from the failure (the attempt's end), as "retry 5 s after a failure" reads
          { id: delivery.id, status: 'pending', nextAttemptAt: new Date(attemptedAt.getTime() + result.durationMs + delay), attemptedAt };
    });
    let events: PendingEvent[] = [];
    await pgTransactions(this.options.pool)(async (client, sql) => {
      await insertAttempts(client, batch.map(attemptRow));
      // A success in the same batch ends the endpoint's run of failures, unless it answered 410.
      const failing = [...failures].filter(([id, f]) => f.gone || !succeeded.has(id));
      events = [];
      if (failing.length > 0) {
        for (const endpoint of await lockEndpoints(client, failing.map(([id]) => id))) {
          if (!endpoint.enabled) continue;
          const decision = afterFailedAttempts(this.options.policy, endpoint, { ...failures.get(endpoint.id)!, now });
          const about = { endpointId: endpoint.id, accountType: endpoint.accountType, accountId: endpoint.accountId, url: endpoint.url };
          if (decision.kind === 'disable') {
            await disableEndpoint(sql, endpoint.id, decision.reason, now);
            events.push(event('webhook.endpoint_disabled', { ...about, reason: decision.reason }));
            this.options.logger.warn({ endpointId: endpoint.id, reason: decision.reason }, 'webhook endpoint disabled');
            continue;
          }
          await markFailing(client, endpoint.id, { failingSince: decision.failingSince, warnedAt: decision.warnedAt }, now);
          if (decision.warn) {
            events.push(
              event('webhook.endpoint_failing', {
                ...about,
                failingSince: decision.failingSince.toISOString(),
                disableAt: decision.disableAt.toISOString(),
              }),
            );
          }
        }
        await emitEvents(sql, events);
      }
      await updateDeliveries(client, updates, now);
    });
    for (const update of updates) if (update.status === 'failed') this.options.metrics.completed.inc({ status: 'failed' });
    if (events.length > 0) {
      this.options.metrics.endpointEvents.inc(events.length);
      this.options.outboxCommitted?.();
    }
  }
}
