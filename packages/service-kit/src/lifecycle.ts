// Process lifecycle of a service: start, graceful shutdown on SIGTERM/SIGINT (stop accepting,
// finish in-flight work, close consumers and pools, exit) and fatal process hooks (DESIGN.md §6).
import { createServer, type Server } from 'node:http';
import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import { reportFatal } from './errors';
import type { Health } from './health';

export interface RunningService {
  /** the HTTP server to drain on shutdown, when the service serves HTTP */
  server?: Server;
  /** readiness turns 503 as soon as shutdown begins, so load balancers drain first */
  health?: Health;
  /** closes consumers, relays, pools; called after the server drained */
  close: () => Promise<void>;
}

export interface RunServiceOptions {
  name: string;
  logger: Logger;
  start: () => Promise<RunningService>;
  /** default 10000; past it the process exits 1 */
  shutdownTimeoutMs?: number;
}

export interface ServiceHandle {
  /** what SIGTERM does; exposed for tests and embedding */
  shutdown(reason: string): Promise<void>;
}

// How often idle keep-alive sockets are closed while draining: a socket that finished its
// in-flight request becomes idle after server.close() already ran its own sweep.
const IDLE_SWEEP_MS = 100;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    server.close((err) => {
      clearInterval(sweep);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

let hooksInstalled = false;

/** Logs uncaught exceptions and unhandled rejections through the one error path, then exits 1. */
export function installProcessHooks(logger: Logger): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const report = reportFatal(logger);
  process.on('uncaughtException', (err, origin) => {
    report(err, origin);
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    report(reason, 'unhandledRejection');
    process.exit(1);
  });
}

/**
 * Starts the service and owns its shutdown. A start-up failure is logged and exits 1; SIGTERM or
 * SIGINT drains (readiness 503, server.close, idle keep-alive sockets closed, in-flight requests
 * answered), then calls close() and exits 0 — or exits 1 if that takes longer than the timeout.
 * A second signal while draining exits 1 at once.
 */
export async function runService(options: RunServiceOptions): Promise<ServiceHandle> {
  const { name, logger } = options;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10000;
  installProcessHooks(logger);

  let running: RunningService | undefined;
  let stopping: Promise<void> | undefined;
  // A signal that arrives while start() is still running is honoured once it finished.
  let signalledDuringStart: string | undefined;

  async function shutdown(reason: string): Promise<void> {
    if (stopping) return stopping;
    if (!running) {
      signalledDuringStart = reason;
      return;
    }
    const service = running;
    stopping = (async () => {
      logger.info({ reason }, `${name} shutting down`);
      const timer = setTimeout(() => {
        logger.error({ reason, shutdownTimeoutMs }, `${name} did not stop within ${shutdownTimeoutMs} ms, exiting`);
        process.exit(1);
      }, shutdownTimeoutMs);
      try {
        service.health?.beginShutdown();
        if (service.server) await closeServer(service.server);
        await service.close();
        clearTimeout(timer);
        logger.info(`${name} stopped`);
        process.exit(0);
      } catch (err) {
        clearTimeout(timer);
        reportFatal(logger)(err, 'shutdown');
        process.exit(1);
      }
    })();
    return stopping;
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        logger.warn({ signal }, `${name} received ${signal} again while stopping, exiting now`);
        process.exit(1);
      }
      void shutdown(signal);
    });
  }

  try {
    running = await options.start();
  } catch (err) {
    reportFatal(logger)(err, 'startup');
    return process.exit(1);
  }
  logger.info({ address: running.server?.address() }, `${name} started`);
  if (signalledDuringStart) void shutdown(signalledDuringStart);
  return { shutdown };
}

/** Starts an HTTP server for `app` and resolves once it listens (port 0 picks a free port). */
export function listen(app: RequestListener, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('error', reject);
    const onListening = () => {
      server.off('error', reject);
      resolve(server);
    };
    if (host === undefined) server.listen(port, onListening);
    else server.listen(port, host, onListening);
  });
}
