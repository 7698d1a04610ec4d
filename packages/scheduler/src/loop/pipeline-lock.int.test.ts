import { uniqueName } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TickLocks, type TickLockKeys } from './pipeline-lock.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const FIELD = 'lastIntervalEnd';

describe('TickLocks', () => {
  let redis: Redis;
  let other: Redis;
  let base: string;

  const keysOf = (pipelineId: string): TickLockKeys => ({ lock: `${base}:sched-lock:${pipelineId}`, sched: `${base}:sched:${pipelineId}`, active: `${base}:active:${pipelineId}` });

  beforeEach(() => {
    redis = new Redis(REDIS_URL);
    other = new Redis(REDIS_URL);
    base = `{${uniqueName('lock')}}`;
  });

  afterEach(async () => {
    const keys = await redis.keys(`${base}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([redis.quit(), other.quit()]);
  });

  it('takes a batch of locks in one step, reading how far each series got and its active runs', async () => {
    await redis.hset(keysOf('a').sched, FIELD, '2026-03-01T02:00:00.000Z');
    await redis.sadd(keysOf('a').active, 'run-1', 'run-2');
    const locks = new TickLocks(redis, 10_000, FIELD);
    const reads = await locks.acquire('t1', [keysOf('a'), keysOf('b')]);
    expect(reads).toEqual([
      { lastEnd: '2026-03-01T02:00:00.000Z', activeCount: 2 },
      { lastEnd: null, activeCount: 0 },
    ]);
    expect(await redis.get(keysOf('a').lock)).toBe('t1');
    expect(await redis.pttl(keysOf('b').lock)).toBeGreaterThan(9_000);
  });

  it('leaves out only the pipelines another holder has, and frees every lock it took', async () => {
    const mine = new TickLocks(redis, 10_000, FIELD);
    const theirs = new TickLocks(other, 10_000, FIELD);
    expect(await theirs.acquire('theirs', [keysOf('b')])).toEqual([{ lastEnd: null, activeCount: 0 }]);
    const reads = await mine.acquire('mine', [keysOf('a'), keysOf('b'), keysOf('c')]);
    expect(reads.map((r) => r !== null)).toEqual([true, false, true]);
    await mine.release('mine', [{ keys: keysOf('a') }, { keys: keysOf('c') }]);
    expect(await redis.exists(keysOf('a').lock, keysOf('c').lock)).toBe(0);
    expect(await redis.get(keysOf('b').lock)).toBe('theirs');
    expect((await theirs.acquire('again', [keysOf('a'), keysOf('c')])).every((r) => r !== null)).toBe(true);
  });

  it('records how far each series got as it gives the locks back, never moving a series back', async () => {
    await redis.hset(keysOf('b').sched, FIELD, '2026-03-01T05:00:00.000Z');
    const locks = new TickLocks(redis, 10_000, FIELD);
    await locks.acquire('t', [keysOf('a'), keysOf('b'), keysOf('c')]);
    await locks.release('t', [
      { keys: keysOf('a'), advanceTo: '2026-03-01T03:00:00.000Z' },
      // Another replica moved b further while this holder's lease had lapsed.
      { keys: keysOf('b'), advanceTo: '2026-03-01T04:00:00.000Z' },
      { keys: keysOf('c') },
    ]);
    expect(await redis.hget(keysOf('a').sched, FIELD)).toBe('2026-03-01T03:00:00.000Z');
    expect(await redis.hget(keysOf('b').sched, FIELD)).toBe('2026-03-01T05:00:00.000Z');
    expect(await redis.exists(keysOf('c').sched)).toBe(0);
  });

  it('does not delete a lock another holder took after the lease ran out', async () => {
    const locks = new TickLocks(redis, 10_000, FIELD);
    await locks.acquire('first', [keysOf('a')]);
    // The lease lapses (simulated by its expiry) and another replica takes the lock.
    await redis.del(keysOf('a').lock);
    await other.set(keysOf('a').lock, 'other-holder', 'PX', 10_000);
    await locks.release('first', [{ keys: keysOf('a') }]);
    expect(await redis.get(keysOf('a').lock)).toBe('other-holder');
  });
});
