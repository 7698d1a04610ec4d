import type { Redis } from 'ioredis';
import type { WorkerInfo } from './worker-info.js';
import { workerKey } from './worker-info.js';

/** The workers whose heartbeat has not expired, by id. */
export async function listWorkers(redis: Redis, keyPrefix: string): Promise<WorkerInfo[]> {
  // Key prefixes hold no glob characters (redisPrefix checks), so the prefix matches literally.
  const pattern = `${workerKey(keyPrefix, '')}*`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  // Every key carries the deployment's hash tag, so one MGET works on Redis Cluster too.
  const values = await redis.mget(keys);
  return values
    .filter((v): v is string => v !== null)
    .map((v) => JSON.parse(v) as WorkerInfo)
    .sort((a, b) => a.workerId.localeCompare(b.workerId));
}
