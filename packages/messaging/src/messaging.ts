// The one entry point a service uses (DESIGN.md §3, §6): a reconnecting broker connection, the
// publisher, consumers with inboxes, the outbox relay, health and graceful shutdown in one object.
import { Pool, type PoolClient } from 'pg';
import type { Envelope } from '@runfleet/contracts';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { connectAmqp, type AmqpConnectionManager } from './amqp-connection';
import { Consumer, type ConsumerOptions } from './consumer';
import { watchPool } from './database-errors';
import { buildEnvelope, type BuildEnvelopeOptions, type DataOf, type EnvelopeOf, type EventValidator } from './event-envelope';
import { pruneInbox } from './inbox';
import { messagingMetrics, type MessagingMetrics } from './messaging-metrics';
import { OUTBOX_CHANNEL, OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { writeOutbox } from './outbox-writer';
import { Publisher } from './publisher';
import { declaredTopologies } from './topology';
import { pgExecutor, pgTransactions, type SqlExecutor, type TransactionRunner } from './sql-executor';

export interface MessagingOptions {
  /** the service name: producer of its events, prefix of its queues, connection name */
  service: string;
  amqpUrl: string;
  logger: Logger;
  registry?: Registry;
  /** the service's own database; the relay and the consumers open small pools of their own on it */
  databaseUrl?: string;
  /** defaults to the contracts' schemas; tests pass their own for test-only event types */
  validate?: EventValidator;
  heartbeatSeconds?: number;
  reconnectSeconds?: number;
  publishTimeoutMs?: number;
  /** default retry schedule of this service's consumers (1 s, 10 s, 1 min, 10 min) */
  retryDelaysMs?: readonly number[];
  deliveryLimit?: number;
  /** connections per pool (relay, consumers); default 5 */
  poolSize?: number;
  /** inbox rows older than this are deleted (default 7 days) */
  inboxRetentionMs?: number;
}

/** Inbox rows are kept this long by default (DESIGN.md §6): duplicates arrive within minutes, a replay within days. */
export const DEFAULT_INBOX_RETENTION_MS = 7 * 24 * 3_600_000;
const INBOX_FIRST_PRUNE_MS = 60_000;
const INBOX_PRUNE_INTERVAL_MS = 10 * 60_000;

type ConsumerDefaults = 'connection' | 'service' | 'logger' | 'metrics' | 'transaction';
export type ConsumeSpec<N extends string, TTx> = Omit<ConsumerOptions<N, TTx>, ConsumerDefaults> & {
  /** defaults to pg transactions on the consumers' own pool (needs databaseUrl) */
  transaction?: TransactionRunner<TTx>;
};
export type RelaySpec = Partial<Omit<OutboxRelayOptions, 'pool' | 'publisher' | 'logger' | 'metrics'>>;

export interface Messaging {
  readonly service: string;
  readonly connection: AmqpConnectionManager;
  readonly publisher: Publisher;
  readonly metrics: MessagingMetrics;
  /** Builds a validated envelope produced by this service, ids from the current context. */
  envelope<N extends string>(type: N, data: DataOf<N>, options?: Partial<BuildEnvelopeOptions>): EnvelopeOf<N>;
  /** Builds the event and writes it to the outbox in the caller's transaction. */
  emit<N extends string>(sql: SqlExecutor, type: N, data: DataOf<N>): Promise<EnvelopeOf<N>>;
  /** Writes already built envelopes to the outbox in the caller's transaction (one INSERT). */
  writeOutbox(sql: SqlExecutor, envelopes: readonly Envelope[]): Promise<void>;
  /**
   * Tells the relay that a transaction with outbox rows has committed, so it publishes now rather
   * than at its next poll: directly when a relay runs in this process, else by NOTIFY.
   */
  outboxCommitted(): void;
  /** Wraps a TransactionRunner (pgTransactions, prismaTransactions) to call outboxCommitted() after each commit. */
  transactions<TTx>(runner: TransactionRunner<TTx>): TransactionRunner<TTx>;
  /**
   * pg transactions on the consumers' own pool (needs databaseUrl) that wake the relay after each
   * commit: for a consumer that emits events and wants plain SQL rather than an ORM's transaction.
   */
  consumerTransactions(): TransactionRunner<PoolClient>;
  /** Declares the queue and starts consuming; resolves once subscribed. */
  consume<N extends string, TTx = PoolClient>(spec: ConsumeSpec<N, TTx>): Promise<Consumer<N, TTx>>;
  /** Deletes inbox rows past the retention now (as the periodic prune does); resolves with how many. */
  pruneInbox(): Promise<number>;
  /** Starts the outbox relay (needs databaseUrl). */
  startRelay(spec?: RelaySpec): OutboxRelay;
  /** For readiness checks: the broker connection is up. */
  isConnected(): boolean;
  /** Graceful stop: consumers finish and ack, the relay finishes its batch, then channels, connection, pools close. */
  close(): Promise<void>;
}

export function createMessaging(options: MessagingOptions): Messaging {
  const { service, logger } = options;
  const metrics = messagingMetrics(options.registry);
  const connection = connectAmqp({
    url: options.amqpUrl,
    logger,
    name: service,
    heartbeatSeconds: options.heartbeatSeconds,
    reconnectSeconds: options.reconnectSeconds,
  });
  // The queues of this service's events are declared before its first publish (DESIGN.md §3): an
  // event must never depend on its consumer having started first.
  const publisher = new Publisher({
    connection,
    logger,
    metrics,
    publishTimeoutMs: options.publishTimeoutMs,
    declare: declaredTopologies({ producer: service }),
  });
  const consumers: Consumer<string, unknown>[] = [];
  const relays: OutboxRelay[] = [];
  const pools = new Map<string, Pool>();
  let inboxPruneTimer: NodeJS.Timeout | null = null;
  let inboxPruning: Promise<void> | null = null;
  let closed = false;
  let notifying: Promise<void> | null = null;
  let notifyAgain = false;

  // NOTIFY is sent outside the producer's transaction on purpose: a transaction that notifies takes
  // a database-wide lock at commit and holds it through the WAL flush, which serialises every such
  // commit (it halved producer commits here: docs/benchmarks.md). Coalesced: one in flight at a time.
  function notifyRelays(): void {
    if (!options.databaseUrl) return;
    if (notifying) {
      notifyAgain = true;
      return;
    }
    notifying = pool('relay')
      .query(`NOTIFY ${OUTBOX_CHANNEL}`)
      .then(
        () => undefined,
        (err: unknown) => logger.warn({ err }, 'could not notify the outbox relay; it will find the events at its next poll'),
      )
      .finally(() => {
        notifying = null;
        if (notifyAgain && !closed) {
          notifyAgain = false;
          notifyRelays();
        }
      });
  }

  function pool(purpose: 'relay' | 'consumers'): Pool {
    if (!options.databaseUrl) throw new Error(`messaging for ${service}: databaseUrl is needed for the ${purpose}`);
    let p = pools.get(purpose);
    if (!p) {
      p = new Pool({
        connectionString: options.databaseUrl,
        max: options.poolSize ?? 5,
        application_name: `${service} messaging ${purpose}`,
      });
      watchPool(p, logger, purpose);
      pools.set(purpose, p);
    }
    return p;
  }

  // Inbox rows past the retention are deleted a minute after the first consumer starts (so a
  // service restarted more often than the interval still prunes), then every 10 minutes; a prune
  // still deleting when the next is due lets it pass.
  function pruneInboxNow(): Promise<number> {
    const retention = options.inboxRetentionMs ?? DEFAULT_INBOX_RETENTION_MS;
    return pruneInbox(pgExecutor(pool('consumers')), retention, { shouldStop: () => closed }).then((deleted) => {
      if (deleted > 0) logger.info({ deleted }, 'pruned inbox messages past their retention');
      return deleted;
    });
  }

  function startInboxPruning(): void {
    if (inboxPruneTimer || !options.databaseUrl) return;
    const prune = () => {
      if (inboxPruning || closed) return;
      inboxPruning = pruneInboxNow()
        .then(
          () => undefined,
          (err: unknown) => logger.warn({ err }, 'inbox prune failed; will retry'),
        )
        .finally(() => {
          inboxPruning = null;
        });
    };
    inboxPruneTimer = setTimeout(() => {
      prune();
      inboxPruneTimer = setInterval(prune, INBOX_PRUNE_INTERVAL_MS);
      inboxPruneTimer.unref();
    }, INBOX_FIRST_PRUNE_MS);
    inboxPruneTimer.unref();
  }

  const messaging: Messaging = {
    service,
    connection,
    publisher,
    metrics,
    envelope(type, data, envelopeOptions) {
      return buildEnvelope(type, data, { producer: service, validate: options.validate, ...envelopeOptions });
    },
    async emit(sql, type, data) {
      const envelope = messaging.envelope(type, data);
      await writeOutbox(sql, [envelope]);
      return envelope;
    },
    writeOutbox,
    outboxCommitted() {
      if (closed) return;
      if (relays.length > 0) for (const relay of relays) relay.trigger();
      else notifyRelays();
    },
    transactions(runner) {
      return async (fn) => {
        const result = await runner(fn);
        messaging.outboxCommitted();
        return result;
      };
    },
    consumerTransactions() {
      return messaging.transactions(pgTransactions(pool('consumers')));
    },
    async consume<N extends string, TTx = PoolClient>(spec: ConsumeSpec<N, TTx>) {
      if (closed) throw new Error('messaging is closed');
      const transaction = spec.transaction ?? (pgTransactions(pool('consumers')) as unknown as TransactionRunner<TTx>);
      const consumer = new Consumer<N, TTx>({
        retryDelaysMs: options.retryDelaysMs,
        deliveryLimit: options.deliveryLimit,
        validate: options.validate,
        ...spec,
        transaction,
        connection,
        service,
        logger,
        metrics,
      });
      consumers.push(consumer as unknown as Consumer<string, unknown>);
      startInboxPruning();
      await consumer.start();
      return consumer;
    },
    pruneInbox() {
      return pruneInboxNow();
    },
    startRelay(spec = {}) {
      if (closed) throw new Error('messaging is closed');
      const relay = new OutboxRelay({ ...spec, pool: pool('relay'), publisher, logger, metrics });
      relays.push(relay);
      relay.start();
      return relay;
    },
    isConnected() {
      return connection.isConnected();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (inboxPruneTimer) clearTimeout(inboxPruneTimer);
      await Promise.all(consumers.map((c) => c.close()));
      await inboxPruning;
      await Promise.all(relays.map((r) => r.close()));
      await notifying;
      await publisher.close();
      await connection.close();
      await Promise.all([...pools.values()].map((p) => p.end()));
    },
  };
  return messaging;
}
