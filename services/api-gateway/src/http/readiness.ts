// The gateway's /health/ready (issue 2 item 6; DESIGN.md §9): its own dependencies (Redis, the
// broker) and the readiness of every service it routes to, each reported by name; 503 when any
// of them is not ready, so `npm start` and orchestrators see the platform, not just this process.
import type { RequestHandler } from 'express';
import { amqpCheck, createHealth, httpCheck, redisCheck, type Health, type HealthCheck } from '@runfleet/service-kit';
import { UPSTREAM_NAMES, type UpstreamName } from './routing-table';

export const GATEWAY_NAME = 'api-gateway';
const OWN_CHECKS = ['redis', 'amqp'];

export interface GatewayHealthOptions {
  /** each upstream's replicas */
  origins: Record<UpstreamName, readonly string[]>;
  redisPing: () => Promise<string>;
  amqpConnected: () => boolean;
  /** per check; default 2000 */
  timeoutMs?: number;
}

export interface GatewayHealth extends Health {
  /** `{ status, checks: { 'api-gateway', reseller, billing, 'runner-registry', notifications, redis, amqp } }` */
  aggregatedReady: RequestHandler;
}

export function createGatewayHealth(options: GatewayHealthOptions): GatewayHealth {
  const timeoutMs = options.timeoutMs ?? 2000;
  const health = createHealth([
    ...UPSTREAM_NAMES.map((name) => upstreamCheck(name, options.origins[name], timeoutMs)),
    redisCheck(options.redisPing, { timeoutMs }),
    amqpCheck(options.amqpConnected, { timeoutMs }),
  ]);
  const aggregatedReady: RequestHandler = async (_req, res) => {
    const report = await health.readiness();
    // The gateway itself is ready when what it needs of its own is; the services are listed beside it.
    const ownFailures = OWN_CHECKS.filter((name) => report.checks[name] !== undefined && report.checks[name] !== 'ok');
    const own = health.shuttingDown ? 'fail: shutting down' : ownFailures.length === 0 ? 'ok' : `fail: ${ownFailures.join(', ')} unavailable`;
    res.set('Cache-Control', 'no-store');
    res.status(report.status === 'ok' ? 200 : 503).json({ status: report.status, checks: { [GATEWAY_NAME]: own, ...report.checks } });
  };
  return Object.assign(health, { aggregatedReady });
}

/**
 * A service is ready when one of its replicas is: the gateway sends each request to a replica that
 * answers. One that is not is named in the failure only when none is ready.
 */
function upstreamCheck(name: UpstreamName, origins: readonly string[], timeoutMs: number): HealthCheck {
  const checks = origins.map((origin) => httpCheck(`${origin}/health/ready`, { name, timeoutMs }));
  if (checks.length === 1) return checks[0]!;
  return {
    name,
    timeoutMs,
    check: async () => {
      const outcomes = await Promise.allSettled(checks.map((c) => c.check()));
      if (outcomes.some((o) => o.status === 'fulfilled')) return;
      throw new Error(`no replica ready (${origins.length})`);
    },
  };
}
