// One reconnecting AMQP connection per service (amqp-connection-manager), with heartbeats, a name
// the management UI shows, and a log line for every connect, disconnect and failure.
import amqp, { type AmqpConnectionManager } from 'amqp-connection-manager';
import type { Channel } from 'amqplib';
import type { Logger } from 'pino';

export type { AmqpConnectionManager } from 'amqp-connection-manager';

export interface AmqpConnectOptions {
  url: string;
  logger: Logger;
  /** shown as the connection name in the management UI, e.g. `billing` */
  name: string;
  /** AMQP heartbeat: a dead peer is noticed within about two intervals (default 10 s) */
  heartbeatSeconds?: number;
  /** wait between reconnect attempts (default 1 s) */
  reconnectSeconds?: number;
}

/** Hides the password of an AMQP URL for logs. */
export function redactAmqpUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable AMQP URL)';
  }
}

export function connectAmqp(options: AmqpConnectOptions): AmqpConnectionManager {
  const { logger } = options;
  const heartbeat = options.heartbeatSeconds ?? 10;
  const url = new URL(options.url);
  // The URL wins when it sets its own heartbeat; otherwise ours goes in the URL amqplib parses.
  if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(heartbeat));
  const manager = amqp.connect([url.toString()], {
    heartbeatIntervalInSeconds: heartbeat,
    reconnectTimeInSeconds: options.reconnectSeconds ?? 1,
    // TCP_NODELAY: amqplib leaves Nagle's algorithm on, and one connection carries a service's
    // publishes and its consumers' acks, so a publish written while an ack was unacknowledged
    // waited for the broker's delayed ACK — ~40 ms per hop of the saga (docs/benchmarks.md "Saga").
    connectionOptions: { noDelay: true, clientProperties: { connection_name: options.name } },
  });
  const where = redactAmqpUrl(options.url);
  let wasConnected = false;
  let lastFailure = '';
  manager.on('connect', () => {
    wasConnected = true;
    lastFailure = '';
    logger.info({ amqp: where }, 'AMQP connected');
  });
  manager.on('disconnect', ({ err }) => {
    if (wasConnected) logger.warn({ amqp: where, err }, 'AMQP disconnected; reconnecting');
    wasConnected = false;
  });
  manager.on('connectFailed', ({ err }) => {
    // One line per distinct failure, not one per retry, while the broker stays down.
    if (err?.message !== lastFailure) logger.warn({ amqp: where, err }, 'AMQP connect failed; retrying');
    lastFailure = err?.message ?? '';
  });
  manager.on('blocked', ({ reason }) => logger.warn({ amqp: where, reason }, 'AMQP connection blocked by the broker'));
  manager.on('unblocked', () => logger.info({ amqp: where }, 'AMQP connection unblocked'));
  return manager;
}

/**
 * Listens for errors on a raw channel (an unlistened 'error' would crash the process). When the
 * broker closes just the channel (e.g. PRECONDITION_FAILED) amqp-connection-manager waits for a
 * connection-level reconnect that never comes, so we force one to get a working channel back.
 */
export function watchChannel(
  channel: Channel,
  options: { manager: AmqpConnectionManager; logger: Logger; name: string; isClosing: () => boolean },
): void {
  let failed = false;
  channel.on('error', (err: Error) => {
    failed = true;
    options.logger.error({ err, channel: options.name }, 'AMQP channel error');
  });
  channel.on('close', () => {
    if (!failed || options.isClosing() || !options.manager.isConnected()) return;
    options.logger.warn({ channel: options.name }, 'AMQP channel closed by the broker; reconnecting');
    try {
      options.manager.reconnect();
    } catch (err) {
      options.logger.error({ err }, 'AMQP reconnect failed');
    }
  });
}
