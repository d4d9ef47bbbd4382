// The relay half of the transactional outbox (DESIGN.md §6, STYLE.md habit 3): publishes committed
// outbox rows in `seq` order, marks them published only after the broker confirmed them, retries
// failures with backoff, and prunes old published rows. Several replicas share the work through
// FOR UPDATE SKIP LOCKED. It wakes when told a transaction with events committed — directly when
// the producer is in the same process, by NOTIFY runfleet_outbox otherwise — and polls as a fallback.
import { Client, type ClientConfig, type Pool } from 'pg';
import type { Logger } from 'pino';
import type { MessagingMetrics } from './messaging-metrics';
import type { Publisher, SerializedEnvelope } from './publisher';
import { errorMessage } from './event-envelope';
import { watchPool } from './database-errors';
import { checkOut, deleteInChunks, rollBack } from './sql-executor';

export const OUTBOX_CHANNEL = 'runfleet_outbox';

export interface OutboxRelayOptions {
  /** the relay's own pool (its transactions stay open while the broker confirms) */
  pool: Pool;
  publisher: Publisher;
  logger: Logger;
  metrics: MessagingMetrics;
  /** rows per transaction (default 500) */
  batchSize?: number;
  /**
   * batches in flight at once (default 2): while one waits for the broker's confirms the next is
   * already claimed, so neither the database nor the broker sits idle under load
   */
  concurrency?: number;
  /** fallback wake-up for commits nobody announced (default 500 ms) */
  pollIntervalMs?: number;
  /** LISTEN for NOTIFY runfleet_outbox from producers in other processes (default true) */
  listen?: boolean;
  /** published rows are deleted after this (default 24 h) */
  retentionMs?: number;
  pruneIntervalMs?: number;
  /** first retry delay after a failed publish, doubled per attempt up to retryMaxMs (1 s, 60 s) */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** connection for the LISTEN client; defaults to the pool's settings */
  listenClientConfig?: ClientConfig;
}

interface ClaimedRow {
  id: string;
  seq: string;
  attempts: number;
  body: string;
  type: string;
  version: number;
  occurred_at: string;
  producer: string;
  correlation_id: string;
  causation_id: string | null;
}

// Claims a batch by marking it published in the batch's own transaction: nobody sees the mark
// before COMMIT, which happens only after the broker confirmed. One statement both locks and
// marks the rows (instead of SELECT … FOR UPDATE and a second UPDATE), and the body comes back as
// text, ready to send. RETURNING has no order, so rows are sorted by seq before publishing.
//
// The transaction is opened in the same round trip (one simple query: BEGIN, the settings,
// the claim — which is why the batch size is inlined, a validated integer), and commits with
// synchronous_commit off: the relay never waits for its mark to be flushed. A crash can lose a
// mark that was not flushed yet; its rows are then published again, which consumers' inboxes
// absorb — the same as a relay killed between the broker's confirm and its commit.
//
// The claim must walk the partial index of unpublished rows in `seq` order, so bitmap and
// sequential scans are turned off for it. Every published row leaves a dead entry in that index
// (and a dead row version) until VACUUM. An index scan marks the dead entries it passes, so the next
// claim skips them. A bitmap scan never marks them, and a sequential scan or a hash join reads the
// whole table, so each claim reads every dead row again. The planner picks those plans from
// statistics taken while rows waited (steady traffic, a backlog). Measured in a steady stream: a
// bitmap scan visited 53,000 dead entries and took 2.7 ms to claim 7 rows. Turning it off halved
// PostgreSQL's CPU per outbox event (docs/benchmarks.md, test/component/outbox-claim.test.ts).

/** The claim's transaction settings (above): no waiting for the WAL flush, an index scan. */
export const CLAIM_SETTINGS = 'SET LOCAL synchronous_commit TO off; SET LOCAL enable_seqscan TO off; SET LOCAL enable_bitmapscan TO off;';

/** The claim itself; `batchSize` is inlined, so it must be a validated integer. */
export const claimStatement = (batchSize: number) => `UPDATE "outbox_event" SET "published_at" = clock_timestamp()
WHERE "id" IN (
  SELECT "id" FROM "outbox_event"
  WHERE "published_at" IS NULL AND "next_attempt_at" <= now()
  ORDER BY "seq" LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
RETURNING "id", "seq", "attempts", "type", "envelope"::text AS body,
  ("envelope"->>'version')::int AS version, "envelope"->>'occurredAt' AS occurred_at,
  "envelope"->>'producer' AS producer, "envelope"->>'correlationId' AS correlation_id,
  "envelope"->>'causationId' AS causation_id`;

const claimBatch = (batchSize: number) => `BEGIN; ${CLAIM_SETTINGS}
${claimStatement(batchSize)}`;

const MARK_FAILED = `UPDATE "outbox_event" AS o
SET "published_at" = NULL,
    "attempts" = o."attempts" + 1,
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

function toSerializedEnvelope(row: ClaimedRow): SerializedEnvelope {
  return {
    id: row.id,
    type: row.type,
    version: row.version,
    occurredAt: row.occurred_at,
    producer: row.producer,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    body: Buffer.from(row.body),
  };
}

export class OutboxRelay {
  private readonly batchSize: number;
  private readonly claimBatch: string;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private stopping = false;
  private started = false;
  /** a drain was asked for and not yet started */
  private wanted = false;
  /** a batch is claiming rows; the next may start once it has (keeps publishes in seq order) */
  private claiming = false;
  private readonly batches = new Set<Promise<void>>();
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
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${this.batchSize}`);
    this.claimBatch = claimBatch(this.batchSize);
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
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
    if (this.options.listen ?? true) void this.connectListener();
    this.trigger();
    void this.prune();
  }

  /** Asks for a drain now (a transaction with events committed); coalesces with drains under way. */
  trigger(): void {
    if (this.stopping || !this.started) return;
    this.wanted = true;
    this.pump();
  }

  private pump(): void {
    // While `concurrency` batches are in flight, commits arriving meanwhile gather into the next
    // batch instead of each paying for its own transaction and confirm round trip.
    while (this.wanted && !this.claiming && this.batches.size < this.concurrency && !this.stopping) {
      this.wanted = false;
      this.claiming = true;
      const batch = this.publishBatch((claimed) => {
        this.claiming = false;
        // A full batch means more rows are probably waiting.
        if (claimed === this.batchSize) this.wanted = true;
        this.pump();
      })
        .then(
          () => {
            this.lastBatchError = '';
          },
          (err: unknown) => {
            // Database unreachable or the connection died mid-batch: the rows stay unpublished (or
            // are published again, which consumers' inboxes absorb); the next poll tries again.
            const message = errorMessage(err);
            if (message !== this.lastBatchError) this.options.logger.warn({ err }, 'outbox relay batch failed; will retry');
            this.lastBatchError = message;
          },
        )
        .finally(() => {
          this.batches.delete(batch);
          this.pump();
        });
      this.batches.add(batch);
    }
  }

  /** Resolves when no batch is in flight (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.batches.size > 0) await Promise.all([...this.batches]);
  }

  /**
   * One transaction: claim a batch, publish it with confirms, put failed rows back with a backoff,
   * commit. `onClaimed` runs once the rows are claimed and their publishes queued on the channel.
   */
  private async publishBatch(onClaimed: (claimed: number) => void): Promise<void> {
    const { pool, publisher, metrics, logger } = this.options;
    let claimedReported = false;
    const reportClaimed = (n: number) => {
      if (!claimedReported) {
        claimedReported = true;
        onClaimed(n);
      }
    };
    let checkout: Awaited<ReturnType<typeof checkOut>> | undefined;
    let broken: Error | undefined;
    try {
      checkout = await checkOut(pool);
      const { client } = checkout;
      try {
        // A multi-statement query answers with one result per statement; the claim's is the last.
        const claimed = (await client.query(this.claimBatch)) as unknown as { rows: ClaimedRow[] }[];
        const rows = claimed[claimed.length - 1]!.rows;
        if (rows.length === 0) {
          reportClaimed(0);
          await client.query('COMMIT');
          return;
        }
        rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
        const publishing = publisher.publishAll(rows.map(toSerializedEnvelope));
        reportClaimed(rows.length);
        const results = await publishing;
        const failed: { id: string; error: string; delayMs: number }[] = [];
        results.forEach((result, i) => {
          if (result.status === 'rejected') {
            const row = rows[i]!;
            failed.push({ id: row.id, error: errorMessage(result.reason).slice(0, 1_000), delayMs: this.retryDelay(row.attempts) });
          }
        });
        if (failed.length > 0) {
          await client.query(MARK_FAILED, [failed.map((f) => f.id), failed.map((f) => f.error), failed.map((f) => f.delayMs)]);
        }
        await client.query('COMMIT');
        metrics.outboxPublished.inc(rows.length - failed.length);
        if (failed.length > 0) {
          metrics.outboxPublishFailures.inc(failed.length);
          logger.warn(
            { failed: failed.length, published: rows.length - failed.length, error: failed[0]!.error },
            'outbox events failed to publish; retrying with backoff',
          );
        }
      } catch (err) {
        broken = await rollBack(client);
        throw err;
      }
    } finally {
      reportClaimed(-1);
      checkout?.release(broken);
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
        total = await deleteInChunks(
          async (chunk) => (await this.options.pool.query(PRUNE, [retentionMs, chunk])).rowCount ?? 0,
          5_000,
          () => this.stopping,
        );
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
