// The registry's own Prometheus metrics (issue 14 item 6), beside the kit's HTTP and process ones:
// runners by status, queue depth and oldest queued age by job type (read from the database when
// scraped), claim wait time, heartbeats (rate() of the counter is heartbeats/s).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Db } from './db';
import { queueByType, runnersByStatus } from './data/registry-stats.repository';
import { RUNNER_STATUSES } from './data/runner.repository';

export interface RegistryMetrics {
  claimWait: Histogram<'outcome'>;
  heartbeats: Counter;
}

export function registryMetrics(registry: Registry, db: Db, now: () => Date = () => new Date()): RegistryMetrics {
  new Gauge({
    name: 'runfleet_registry_runners',
    help: 'Runners by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await runnersByStatus(db);
      for (const status of RUNNER_STATUSES) this.set({ status }, rows.find((r) => r.status === status)?.count ?? 0);
    },
  });
  let queue: Promise<{ type: string; depth: number; oldestSeconds: number }[]> | null = null;
  // Both queue gauges come from one query per scrape.
  const queueOnce = () => {
    queue ??= queueByType(db, now()).finally(() => setTimeout(() => (queue = null), 0));
    return queue;
  };
  new Gauge({
    name: 'runfleet_registry_queue_depth',
    help: 'Queued jobs by job type',
    labelNames: ['type'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await queueOnce()) this.set({ type: row.type }, row.depth);
    },
  });
  new Gauge({
    name: 'runfleet_registry_oldest_queued_seconds',
    help: 'Age of the oldest queued job by job type',
    labelNames: ['type'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await queueOnce()) this.set({ type: row.type }, Math.max(0, row.oldestSeconds));
    },
  });
  return {
    claimWait: new Histogram({
      name: 'runfleet_registry_claim_wait_seconds',
      help: 'How long a claim took to answer, by outcome (job, none)',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers: [registry],
    }),
    heartbeats: new Counter({ name: 'runfleet_registry_heartbeats_total', help: 'Heartbeats received', registers: [registry] }),
  };
}
