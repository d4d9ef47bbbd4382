// The gateway's Redis client, tuned to fail fast: with Redis down, commands error at once (no
// offline queue) so every feature takes its documented fallback instead of hanging requests.
import { Redis } from 'ioredis';
import type { Logger } from '@runfleet/service-kit';

export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2_000,
    // Keep trying to reconnect, at most once a second.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    connectionName: 'api-gateway',
    // Commands issued in the same tick by concurrent requests share one socket write.
    enableAutoPipelining: true,
  });
  let lastError = '';
  redis.on('error', (err: Error) => {
    if (err.message !== lastError) logger.warn({ err }, 'Redis error; falling back until it is back');
    lastError = err.message;
  });
  redis.on('ready', () => {
    lastError = '';
    logger.info('Redis connected');
  });
  return redis;
}
