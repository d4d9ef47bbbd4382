// The relay half of the transactional outbox (DESIGN.md §6, STYLE.md habit 3): publishes committed
// outbox rows in `seq` order, marks them published only after the broker confirmed them, retries
// failures with backoff, and prunes old published rows. Several replicas share the work through
// FOR UPDATE SKIP LOCKED; a NOTIFY from the insert trigger wakes it, a poll covers lost notifications.
import { Client, type ClientConfig, type Pool } from 'pg';
import type { Envelope } from '@runfleet/contracts';
import type { Logger } from 'pino';
import type { MessagingMetrics } from './messaging-metrics';
import type { Publisher } from './publisher';
import { errorMessage } from './event-envelope';
import { watchPool } from './database-errors';
import { checkOut } from './sql-executor';

export const OUTBOX_CHANNEL = 'runfleet_outbox';

export interface OutboxRelayOptions {
  /** the relay's own pool (its transactions stay open while the broker confirms) */
  pool: Pool;
  publisher: Publisher;
  logger: Logger;
  metrics: MessagingMetrics;
  /** rows per transaction (default 500) */
  batchSize?: number;
  /** fallback wake-up when no notification arrives (default 1 s) */
  pollIntervalMs?: number;
  /** published rows are deleted after this (default 24 h) */
  retentionMs?: number;
  pruneIntervalMs?: number;
  /** first retry delay after a failed publish, doubled per attempt up to retryMaxMs (1 s, 60 s) */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** connection for the LISTEN client; defaults to the pool's settings */
  listenClientConfig?: ClientConfig;
}

interface OutboxRow {
  id: string;
  attempts: number;
  envelope: Envelope;
}

const SELECT_BATCH = `SELECT "id", "attempts", "envelope" FROM "outbox_event"
WHERE "published_at" IS NULL AND "next_attempt_at" <= now()
ORDER BY "seq" LIMIT $1 FOR UPDATE SKIP LOCKED`;

const MARK_PUBLISHED = `UPDATE "outbox_event" SET "published_at" = clock_timestamp(), "last_error" = NULL
WHERE "id" = ANY($1::uuid[])`;

const MARK_FAILED = `UPDATE "outbox_event" AS o
SET "attempts" = o."attempts" + 1,
    "last_error" = f.error,
    "next_attempt_at" = clock_timestamp() + f.delay_ms * interval '1 millisecond'
FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS f(id, error, delay_ms)
WHERE o."id" = f.id`;

const OLDEST_UNPUBLISHED_AGE = `SELECT EXTRACT(EPOCH FROM (now() - "created_at"))::float8 AS age
FROM "outbox_event" WHERE "published_at" IS NULL ORDER BY "seq" LIMIT 1`;

const PRUNE = `WITH doomed AS (
  SELECT "id" FROM "outbox_event"
  WHERE "published_at" IS NOT NULL AND "published_at" < now() - $1::bigint * interval '1 millisecond'
  LIMIT $2 FOR UPDATE SKIP LOCKED)
DELETE FROM "outbox_event" o USING doomed d WHERE o."id" = d."id"`;

export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private stopping = false;
  private started = false;
  private running: Promise<void> | null = null;
  private rerun = false;
  private listener: Client | null = null;
  private readonly lostListeners = new WeakSet<Client>();
  private listenRetryMs = 100;
  private listenTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning: Promise<void> | null = null;
  private lastBatchError = '';
  private removeLagSource: (() => void) | null = null;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    watchPool(options.pool, options.logger, 'outbox relay');
  }

  /** Starts listening, polling and pruning; the first drain runs right away. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.removeLagSource = this.options.metrics.addOutboxLagSource(() => this.oldestUnpublishedAgeSeconds());
    this.pollTimer = setInterval(() => this.trigger(), this.pollIntervalMs);
    const pruneEvery = this.options.pruneIntervalMs ?? 10 * 60_000;
    this.pruneTimer = setInterval(() => void this.prune(), pruneEvery);
    void this.connectListener();
    this.trigger();
    void this.prune();
  }

  /** Asks for a drain now; coalesces with one already running. */
  trigger(): void {
    if (this.stopping || !this.started) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.rerun && !this.stopping) this.trigger();
    });
  }

  /** Resolves when no drain is in progress (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopping) {
      this.rerun = false;
      let selected: number;
      try {
        selected = await this.publishBatch();
        this.lastBatchError = '';
      } catch (err) {
        // Database unreachable or the connection died mid-batch: the rows stay unpublished (or are
        // re-published, which consumers' inboxes absorb); the next poll tries again.
        const message = errorMessage(err);
        if (message !== this.lastBatchError) this.options.logger.warn({ err }, 'outbox relay batch failed; will retry');
        this.lastBatchError = message;
        return;
      }
      if (selected < this.batchSize && !this.rerun) return;
    }
  }

  /** One transaction: lock a batch, publish it with confirms, record the outcome. Returns rows selected. */
  private async publishBatch(): Promise<number> {
    const { pool, publisher, metrics, logger } = this.options;
    const { client, release } = await checkOut(pool);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(SELECT_BATCH, [this.batchSize]);
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const results = await publisher.publishAll(rows.map((r) => r.envelope));
      const published: string[] = [];
      const failed: { id: string; error: string; delayMs: number }[] = [];
      results.forEach((result, i) => {
        const row = rows[i]!;
        if (result.status === 'fulfilled') published.push(row.id);
        else failed.push({ id: row.id, error: errorMessage(result.reason).slice(0, 1_000), delayMs: this.retryDelay(row.attempts) });
      });
      if (published.length > 0) await client.query(MARK_PUBLISHED, [published]);
      if (failed.length > 0) {
        await client.query(MARK_FAILED, [failed.map((f) => f.id), failed.map((f) => f.error), failed.map((f) => f.delayMs)]);
      }
      await client.query('COMMIT');
      metrics.outboxPublished.inc(published.length);
      if (failed.length > 0) {
        metrics.outboxPublishFailures.inc(failed.length);
        logger.warn({ failed: failed.length, published: published.length, error: failed[0]!.error }, 'outbox events failed to publish; retrying with backoff');
      }
      return rows.length;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw err;
    } finally {
      release(broken);
    }
  }

  private retryDelay(attempts: number): number {
    const base = this.options.retryBaseMs ?? 1_000;
    const max = this.options.retryMaxMs ?? 60_000;
    const exp = Math.min(max, base * 2 ** Math.min(attempts, 20));
    // Jitter spreads replicas' retries of the same failure.
    return Math.round(exp * (0.8 + Math.random() * 0.4));
  }

  /** Age of the oldest unpublished row in seconds, or null when none waits. */
  async oldestUnpublishedAgeSeconds(): Promise<number | null> {
    const { rows } = await this.options.pool.query<{ age: number }>(OLDEST_UNPUBLISHED_AGE);
    return rows[0] ? Math.max(0, Number(rows[0].age)) : null;
  }

  /** Deletes published rows past the retention, in chunks. Returns rows deleted. */
  async prune(): Promise<number> {
    if (this.pruning) {
      await this.pruning;
      return 0;
    }
    let total = 0;
    const retentionMs = this.options.retentionMs ?? 24 * 3_600_000;
    this.pruning = (async () => {
      try {
        for (;;) {
          const result = await this.options.pool.query(PRUNE, [retentionMs, 5_000]);
          total += result.rowCount ?? 0;
          if ((result.rowCount ?? 0) < 5_000 || this.stopping) break;
        }
        if (total > 0) this.options.logger.info({ deleted: total }, 'pruned published outbox events');
      } catch (err) {
        this.options.logger.warn({ err }, 'outbox prune failed; will retry');
      }
    })();
    await this.pruning;
    this.pruning = null;
    return total;
  }

  private async connectListener(): Promise<void> {
    this.listenTimer = null;
    if (this.stopping) return;
    const client = new Client(this.options.listenClientConfig ?? this.options.pool.options);
    client.on('error', (err) => this.listenerLost(client, err));
    client.on('end', () => this.listenerLost(client));
    client.on('notification', () => this.trigger());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      this.listenerLost(client, err);
      return;
    }
    if (this.lostListeners.has(client)) return;
    if (this.stopping) {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.listenRetryMs > 100) this.options.logger.info('outbox relay listening for commits again');
    this.listener = client;
    this.listenRetryMs = 100;
    // Rows committed while nobody listened get no notification: look for them now.
    this.trigger();
  }

  /** The LISTEN connection died (PostgreSQL restart, terminated backend): reconnect with backoff. */
  private listenerLost(client: Client, err?: unknown): void {
    if (this.lostListeners.has(client)) return;
    this.lostListeners.add(client);
    if (this.listener === client) this.listener = null;
    client.end().catch(() => undefined);
    if (this.stopping) return;
    if (this.listenRetryMs === 100) {
      this.options.logger.warn({ err }, 'outbox relay lost its LISTEN connection; polling until it is back');
    }
    this.listenTimer = setTimeout(() => void this.connectListener(), this.listenRetryMs);
    this.listenRetryMs = Math.min(this.listenRetryMs * 2, 5_000);
  }

  /** Stops after the batch in flight (its rows are marked as confirmed) and closes the LISTEN client. */
  async close(): Promise<void> {
    this.stopping = true;
    for (const timer of [this.pollTimer, this.pruneTimer, this.listenTimer]) if (timer) clearTimeout(timer);
    this.removeLagSource?.();
    await this.idle();
    await this.pruning;
    const listener = this.listener;
    this.listener = null;
    if (listener) {
      this.lostListeners.add(listener);
      await listener.end().catch(() => undefined);
    }
  }
}
