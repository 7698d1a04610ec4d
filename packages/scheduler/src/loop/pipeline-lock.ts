import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const RELEASE = readFileSync(new URL('./lua/release-lock.lua', import.meta.url), 'utf8');

/**
 * Runs `fn` while holding a lease lock on `key`, or returns undefined at once when another
 * replica holds it. The lease makes reading the active-run count and creating runs one step
 * across replicas, which is what keeps them within maxActiveRuns and in interval order; run ids
 * alone already make each run unique. A holder stalled past `leaseMs` loses the lease, so keep
 * the work under it short.
 */
export async function withLeaseLock<T>(redis: Redis, key: string, leaseMs: number, fn: () => Promise<T>): Promise<T | undefined> {
  const token = randomBytes(12).toString('hex');
  const acquired = await redis.set(key, token, 'PX', leaseMs, 'NX');
  if (acquired !== 'OK') return undefined;
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE, 1, key, token);
  }
}
