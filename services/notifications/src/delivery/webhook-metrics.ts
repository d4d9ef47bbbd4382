// Webhook metrics (issue 17 item 7), on the service's registry: attempts by outcome and their
// duration, deliveries finished by status, owner notices emitted, and — read from the database at
// each scrape, so every replica reports the same truth — the retry backlog, the age of the oldest
// pending delivery and the number of disabled endpoints.
import { pgExecutor } from '@runfleet/messaging';
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { readGauges } from '../data/dispatch.repository';

export interface WebhookMetrics {
  attempts: Counter<'outcome'>;
  attemptDuration: Histogram<'outcome'>;
  completed: Counter<'status'>;
  endpointEvents: Counter;
}

export function webhookMetrics(registry: Registry, pool: Pool, now: () => Date = () => new Date()): WebhookMetrics {
  let gauges: ReturnType<typeof readGauges> | null = null;
  // One query per scrape feeds the three gauges.
  const read = () => {
    gauges ??= readGauges(pgExecutor(pool), now()).finally(() => {
      setImmediate(() => {
        gauges = null;
      });
    });
    return gauges;
  };
  new Gauge({
    name: 'runfleet_webhook_retry_backlog',
    help: 'Webhook deliveries waiting for a retry (pending after at least one failed attempt)',
    registers: [registry],
    async collect() {
      this.set((await read()).retryBacklog);
    },
  });
  new Gauge({
    name: 'runfleet_webhook_oldest_pending_seconds',
    help: 'Age of the oldest pending webhook delivery, seconds (0 when none is pending)',
    registers: [registry],
    async collect() {
      this.set((await read()).oldestPendingSeconds);
    },
  });
  new Gauge({
    name: 'runfleet_webhook_disabled_endpoints',
    help: 'Webhook endpoints currently disabled (410 Gone, sustained failure, or by their owner)',
    registers: [registry],
    async collect() {
      this.set((await read()).disabledEndpoints);
    },
  });
  return {
    attempts: new Counter({
      name: 'runfleet_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: succeeded, failed (non-2xx), timeout, refused (SSRF guard), error',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    attemptDuration: new Histogram({
      name: 'runfleet_webhook_attempt_duration_seconds',
      help: 'Duration of webhook delivery attempts by outcome, seconds',
      labelNames: ['outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers: [registry],
    }),
    completed: new Counter({
      name: 'runfleet_webhook_deliveries_total',
      help: 'Webhook deliveries finished, by status: succeeded, or failed after the last attempt or with their endpoint disabled',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    endpointEvents: new Counter({
      name: 'runfleet_webhook_endpoint_notices_total',
      help: 'webhook.endpoint_failing and webhook.endpoint_disabled events emitted',
      registers: [registry],
    }),
  };
}
