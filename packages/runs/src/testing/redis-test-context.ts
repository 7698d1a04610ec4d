import { randomBytes } from 'node:crypto';
import { createLogger } from '@pipeline/core';
import { Redis } from 'ioredis';
import { Orchestrator } from '../orchestrator.js';
import { redisPrefix } from '../queues/queue-names.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface RedisTestContext {
  redis: Redis;
  /** Unique per test: nothing else reads or writes under it. */
  keyPrefix: string;
  orchestrator: Orchestrator;
  /** Obliterates the queues, deletes every key under the prefix, closes connections. */
  teardown(): Promise<void>;
}

/** A connection, a unique key prefix and an Orchestrator on it, for one integration test. */
export async function createRedisTestContext(): Promise<RedisTestContext> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  await redis.connect();
  const keyPrefix = `runs-test-${randomBytes(4).toString('hex')}`;
  const orchestrator = new Orchestrator({ redis, keyPrefix, logger: createLogger({ level: 'silent' }) });
  return {
    redis,
    keyPrefix,
    orchestrator,
    async teardown() {
      await orchestrator.queue('spark').obliterate({ force: true });
      await orchestrator.queue('sql').obliterate({ force: true });
      await orchestrator.close();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix(keyPrefix)}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}
