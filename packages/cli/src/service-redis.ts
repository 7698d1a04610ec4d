import type { Logger } from '@pipeline/core';
import { Redis } from 'ioredis';

/**
 * The connection of a long-running service: BullMQ needs `maxRetriesPerRequest: null`, and
 * reconnects keep trying, so a Redis restart pauses the service instead of ending it.
 */
export async function openServiceRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  redis.on('error', (err) => logger.warn({ err }, 'redis connection error; reconnecting'));
  await redis.ping();
  // With eviction, Redis may drop queue or run keys under memory pressure: lost work, silently.
  const [, policy] = (await redis.config('GET', 'maxmemory-policy').catch(() => [])) as string[];
  if (policy && policy !== 'noeviction') {
    logger.warn({ policy }, 'Redis maxmemory-policy is not noeviction: queued phases and run records can be evicted; set maxmemory-policy noeviction');
  }
  return redis;
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
export function firstSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      logger.info({ signal }, 'shutting down; send the signal again to force');
      const force = () => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
