import { randomBytes } from 'node:crypto';
import { LuaScript } from '@pipeline/runs';
import type { Redis } from 'ioredis';

const LUA = new URL('./lua/', import.meta.url);
const RELEASE = new LuaScript('release-lock', LUA);

/**
 * How a lock is taken and given back, when the plain SET NX / compare-and-delete is not enough:
 * `acquire` may read what the lock guards in the same round trip (resolving null when another
 * holder has the lock), `release` may write with the same step.
 */
export interface LockSteps<R> {
  acquire(token: string): Promise<R | null>;
  release(token: string): Promise<void>;
}

/**
 * Runs `fn` while holding a lease lock, or returns undefined at once when another
 * replica holds it. The lease makes reading the active-run count and creating runs one step
 * across replicas, which is what keeps them within maxActiveRuns and in interval order; run ids
 * alone already make each run unique. A holder stalled past `leaseMs` loses the lease, so keep
 * the work under it short.
 */
export async function withLeaseLock<T, R>(steps: LockSteps<R>, fn: (read: R) => Promise<T>): Promise<T | undefined> {
  const token = randomBytes(12).toString('hex');
  const read = await steps.acquire(token);
  if (read === null) return undefined;
  try {
    return await fn(read);
  } finally {
    await steps.release(token);
  }
}

/** A lease lock on `key` and nothing else: SET NX with an expiry, released only by its holder. */
export function leaseLock(redis: Redis, key: string, leaseMs: number): LockSteps<undefined> {
  return {
    acquire: async (token) => ((await redis.set(key, token, 'PX', leaseMs, 'NX')) === 'OK' ? undefined : null),
    release: async (token) => {
      await RELEASE.run(redis, [key, key], [token]);
    },
  };
}

/**
 * The scheduler's lock on one pipeline. Taking it also reads how far the scheduled series got
 * and how many runs are active; giving it back also records the series' new end (`advance`).
 */
export function tickLockSteps(
  redis: Redis,
  keys: { lock: string; sched: string; active: string },
  leaseMs: number,
  field: string,
  advance: () => string | undefined,
): LockSteps<{ lastEnd: string | null; activeCount: number }> {
  return {
    acquire: async (token) => {
      const reply = (await ACQUIRE.run(redis, [keys.lock, keys.sched, keys.active], [token, leaseMs, field])) as [number, string?, number?];
      return reply[0] === 1 ? { lastEnd: reply[1] || null, activeCount: Number(reply[2]) } : null;
    },
    release: async (token) => {
      await RELEASE.run(redis, [keys.lock, keys.sched], [token, advance() ?? '', field]);
    },
  };
}

const ACQUIRE = new LuaScript('acquire-tick-lock', LUA);
