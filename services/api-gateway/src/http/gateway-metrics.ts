// The gateway's Prometheus metrics beside the kit's HTTP histogram (issue 5 item 8): requests by
// route, status and principal type; upstream latency; breaker state; rate-limit rejections; the
// auth cache's hits and misses (hit ratio = hits / (hits + misses)).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState } from './upstreams';

export type AuthCacheResult = 'hit' | 'miss' | 'error';
export type RateLimiterName = 'principal' | 'auth_failures';

const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

export interface GatewayMetrics {
  /** route = the OpenAPI path template (the routing-table prefix when none matched), or the gateway's own path; principal_type = 'anonymous' before auth */
  requests: Counter<'route' | 'status' | 'principal_type'>;
  upstreamDuration: Histogram<'upstream' | 'status'>;
  breakerState: Gauge<'upstream'>;
  rateLimitRejections: Counter<'limiter'>;
  authCache: Counter<'result'>;
  /** requests that went on while Redis was unreachable, by what fell back (rate_limit, auth_cache) */
  redisFallbacks: Counter<'feature'>;
  setBreakerState(upstream: string, state: BreakerState): void;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  const breakerState = new Gauge({
    name: 'gateway_circuit_breaker_state',
    help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open',
    labelNames: ['upstream'] as const,
    registers,
  });
  return {
    requests: new Counter({
      name: 'gateway_requests_total',
      help: 'Requests answered by the gateway, by route template, status and principal type',
      labelNames: ['route', 'status', 'principal_type'] as const,
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'gateway_upstream_duration_seconds',
      help: 'Time from sending a request upstream to its response headers, by upstream and status',
      labelNames: ['upstream', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    breakerState,
    rateLimitRejections: new Counter({
      name: 'gateway_rate_limit_rejections_total',
      help: 'Requests answered 429, by limiter (principal, auth_failures, public_ip, account_ip)',
      labelNames: ['limiter'] as const,
      registers,
    }),
    authCache: new Counter({
      name: 'gateway_auth_cache_lookups_total',
      help: 'Principal cache lookups by result (hit, miss, error when Redis failed)',
      labelNames: ['result'] as const,
      registers,
    }),
    redisFallbacks: new Counter({
      name: 'gateway_redis_fallbacks_total',
      help: 'Requests served while Redis was unreachable, by the feature that fell back',
      labelNames: ['feature'] as const,
      registers,
    }),
    setBreakerState(upstream, state) {
      breakerState.set({ upstream }, BREAKER_STATE_VALUE[state]);
    },
  };
}
