// What runner-registry's /health/ready checks (issue 14 item 6): PostgreSQL, Redis — heartbeats are
// written there and claim wake-ups travel through it, so a registry without Redis must not take
// traffic — and the broker.
import type { Redis } from 'ioredis';
import { amqpCheck, createHealth, redisCheck, sqlCheck, type Health } from '@runfleet/service-kit';
import type { PrismaClient } from './db';

export interface ReadinessDeps {
  prisma: Pick<PrismaClient, '$queryRaw'>;
  redis: Pick<Redis, 'ping'>;
  brokerConnected: () => boolean;
}

export function registryHealth(deps: ReadinessDeps): Health {
  return createHealth([
    sqlCheck(() => deps.prisma.$queryRaw`SELECT 1`),
    redisCheck(() => deps.redis.ping()),
    amqpCheck(deps.brokerConnected),
  ]);
}
