import { ConnectionError } from '@pipeline/core';
import { Redis } from 'ioredis';

/**
 * A Redis connection for a short command: it fails fast with a message instead of retrying
 * forever when Redis is down. Long-running processes (worker, scheduler) configure their own.
 */
export async function openRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5_000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const where = new URL(url);
    throw new ConnectionError('redis', `cannot reach Redis at ${where.host}: ${(err as Error).message}. Start it or set REDIS_URL.`, { cause: err });
  }
  return redis;
}
