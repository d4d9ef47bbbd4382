// Prometheus metrics of the messaging layer (issue 3, operator tools), registered on the service's
// own Registry. Creating them twice on one registry reuses the first set, so several consumers,
// relays or test instances can share a registry.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface MessagingMetrics {
  outboxLag: Gauge;
  outboxPublished: Counter;
  outboxPublishFailures: Counter;
  publishConfirm: Histogram<'exchange'>;
  unroutable: Counter<'exchange' | 'routing_key'>;
  dropped: Counter<'exchange' | 'routing_key'>;
  handling: Histogram<'queue'>;
  consumed: Counter<'queue' | 'outcome'>;
  retries: Counter<'queue'>;
  deadLetters: Counter<'queue' | 'reason'>;
  /** Adds a source of "age of the oldest unpublished outbox row, seconds"; returns its removal. */
  addOutboxLagSource(source: () => Promise<number | null>): () => void;
}

const byRegistry = new WeakMap<Registry, MessagingMetrics>();

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The metrics for `registry`; with no registry, unregistered metrics (still counted, never exposed). */
export function messagingMetrics(registry?: Registry): MessagingMetrics {
  const existing = registry && byRegistry.get(registry);
  if (existing) return existing;
  const registers = registry ? [registry] : [];
  const lagSources = new Set<() => Promise<number | null>>();

  const metrics: MessagingMetrics = {
    outboxLag: new Gauge({
      name: 'runfleet_outbox_lag_seconds',
      help: 'Age of the oldest outbox event not yet confirmed by the broker (0 when none is waiting)',
      registers,
      async collect() {
        let worst = 0;
        for (const source of lagSources) {
          try {
            worst = Math.max(worst, (await source()) ?? 0);
          } catch {
            // The database is unreachable: keep the last value rather than fail the whole scrape.
            return;
          }
        }
        this.set(worst);
      },
    }),
    outboxPublished: new Counter({
      name: 'runfleet_outbox_published_total',
      help: 'Outbox events published and confirmed by the broker',
      registers,
    }),
    outboxPublishFailures: new Counter({
      name: 'runfleet_outbox_publish_failures_total',
      help: 'Outbox publish attempts that failed (retried later with backoff)',
      registers,
    }),
    publishConfirm: new Histogram({
      name: 'runfleet_publish_confirm_seconds',
      help: 'Time from publish to the broker confirm',
      labelNames: ['exchange'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    unroutable: new Counter({
      name: 'runfleet_publish_unroutable_total',
      help: 'Published messages the broker returned because no queue is bound for their routing key',
      labelNames: ['exchange', 'routing_key'],
      registers,
    }),
    dropped: new Counter({
      name: 'runfleet_publish_dropped_total',
      help: 'Returned events dropped because the contracts declare no queue for them (the others stay in the outbox and are retried)',
      labelNames: ['exchange', 'routing_key'],
      registers,
    }),
    handling: new Histogram({
      name: 'runfleet_consumer_handling_seconds',
      help: 'Time to handle a message: from the start of its transaction to its commit',
      labelNames: ['queue'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    consumed: new Counter({
      name: 'runfleet_consumer_messages_total',
      help: 'Messages finished by a consumer, by outcome (processed, duplicate, retried, dead_lettered, requeued: its copy to a retry or dead queue failed)',
      labelNames: ['queue', 'outcome'],
      registers,
    }),
    retries: new Counter({
      name: 'runfleet_consumer_retries_total',
      help: 'Messages sent to a retry queue after a handler failure',
      labelNames: ['queue'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'runfleet_consumer_dead_letters_total',
      help: 'Messages moved to the dead-letter queue, by reason',
      labelNames: ['queue', 'reason'],
      registers,
    }),
    addOutboxLagSource(source) {
      lagSources.add(source);
      return () => lagSources.delete(source);
    },
  };
  if (registry) byRegistry.set(registry, metrics);
  return metrics;
}
