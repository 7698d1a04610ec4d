import { uniqueName } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leaseLock, withLeaseLock } from './pipeline-lock.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('withLeaseLock', () => {
  let redis: Redis;
  let other: Redis;
  let key: string;

  beforeEach(() => {
    redis = new Redis(REDIS_URL);
    other = new Redis(REDIS_URL);
    key = `{${uniqueName('lock')}}:sched-lock:p`;
  });

  afterEach(async () => {
    await redis.del(key);
    await Promise.all([redis.quit(), other.quit()]);
  });

  it('lets one of two concurrent holders in and frees the lock afterwards', async () => {
    let release!: () => void;
    let entered!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = withLeaseLock(leaseLock(redis, key, 10_000), async () => {
      entered();
      await held;
      return 'first';
    });
    // The two connections race to Redis; the second holder must come once the first is in.
    await inside;
    await expect(withLeaseLock(leaseLock(other, key, 10_000), async () => 'second')).resolves.toBeUndefined();
    release();
    await expect(first).resolves.toBe('first');
    expect(await redis.exists(key)).toBe(0);
    await expect(withLeaseLock(leaseLock(other, key, 10_000), async () => 'third')).resolves.toBe('third');
  });

  it('releases the lock when the work throws', async () => {
    await expect(withLeaseLock(leaseLock(redis, key, 10_000), async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await redis.exists(key)).toBe(0);
  });

  it('does not delete a lock another holder took after the lease ran out', async () => {
    await withLeaseLock(leaseLock(redis, key, 10_000), async () => {
      // The lease lapses (simulated by its expiry) and another replica takes the lock.
      await redis.del(key);
      await other.set(key, 'other-holder', 'PX', 10_000);
    });
    expect(await redis.get(key)).toBe('other-holder');
  });
});
