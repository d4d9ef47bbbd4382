// Prometheus metrics of one service: its own registry (so tests and several apps in one process
// never collide), default process metrics and the HTTP request-duration histogram (DESIGN.md §9).
import type { Request, RequestHandler, Response } from 'express';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  /** register further metrics here (messaging, domain counters) so /metrics exposes them */
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** times every request; mount before routing */
  middleware: RequestHandler;
  /** serves the registry in Prometheus text format */
  handler: RequestHandler;
}

/**
 * The route label is the express pattern (`/v1/wallets/:id`), never the raw URL: ids in URLs
 * would give every request its own time series. Requests no route matched are 'unmatched'.
 */
export function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (!route || typeof route.path !== 'string') return 'unmatched';
  return `${req.baseUrl}${route.path}` || '/';
}

export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });

  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const stop = httpRequestDuration.startTimer();
    // 'close' covers clients that disconnect before the response finished.
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      stop({ method: req.method, route: routeLabel(req), status: String(res.statusCode) });
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };

  const handler: RequestHandler = async (_req, res: Response) => {
    res.type(registry.contentType).send(await registry.metrics());
  };

  return { registry, httpRequestDuration, middleware, handler };
}
