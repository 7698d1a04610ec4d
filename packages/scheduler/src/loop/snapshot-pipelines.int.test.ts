import { createLogger, PipelineSchema, type PipelineDefinition } from '@pipeline/core';
import { backfillKey, BackfillQueue, Orchestrator } from '@pipeline/runs';
import { uniqueName } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TickLocks } from './pipeline-lock.js';
import { snapshotPipelines, type TickContext } from './tick-pipeline.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger({ level: 'silent' });

const LOADS = [{ id: 'l', source: { table: 'public.s' }, target: { table: 'public.t', key: ['id'] } }];

/** A definition on an hourly schedule allowing `maxActiveRuns` runs, or without a schedule when it is undefined. */
function withLimit(id: string, maxActiveRuns: number | undefined): PipelineDefinition {
  return PipelineSchema.parse({ id, loads: LOADS, ...(maxActiveRuns === undefined ? {} : { schedule: { cron: '0 * * * *', maxActiveRuns } }) });
}

describe('snapshotPipelines', () => {
  let redis: Redis;
  let ctx: TickContext;

  beforeEach(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const keyPrefix = uniqueName('snap');
    ctx = {
      redis,
      keyPrefix,
      logger,
      orchestrator: new Orchestrator({ redis, keyPrefix, logger }),
      backfills: new BackfillQueue(redis, keyPrefix),
      locks: new TickLocks(redis, 10_000, 'lastIntervalEnd'),
    };
  });

  afterEach(async () => {
    await ctx.orchestrator.close();
    const keys = await redis.keys(`{${ctx.keyPrefix}}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('reads pause, progress, waiting backfills and held runs of each pipeline, over several script calls, and records each limit in force', async () => {
    const { store } = ctx.orchestrator;
    const ids = Array.from({ length: 2_500 }, (_, i) => `p${i}`);
    const limitOf = (i: number) => (i % 6 === 5 ? undefined : (i % 4) + 1);
    const pipelines = ids.map((id, i) => withLimit(id, limitOf(i)));
    const ends = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
    for (const [i, id] of ids.entries()) {
      if (i % 3 === 0) await store.pause(id);
      if (i % 4 === 1) await store.setLastScheduledEnd(id, ends(i));
      if (i % 5 === 2) await redis.zadd(backfillKey(ctx.keyPrefix, id), 1, 'a', 2, 'b');
      if (i % 7 === 3) await redis.zadd(store.keys.held(id), 1, `${id}.manual.a`, 2, `${id}.manual.b`, 3, `${id}.manual.c`);
    }
    const snapshots = await snapshotPipelines(ctx, pipelines);
    expect(ids.map((id) => snapshots.get(id))).toEqual(
      ids.map((_, i) => ({ paused: i % 3 === 0, backfills: i % 5 === 2 ? 2 : 0, held: i % 7 === 3 ? 3 : 0, ...(i % 4 === 1 ? { lastEnd: new Date(ends(i)) } : {}) })),
    );
    expect(await Promise.all(ids.slice(0, 12).map((id) => store.maxActiveRunsInForce(id)))).toEqual(ids.slice(0, 12).map((_, i) => limitOf(i) ?? null));
    // An edited limit is recorded at the next snapshot.
    await snapshotPipelines(ctx, [withLimit('p0', 7)]);
    expect(await store.maxActiveRunsInForce('p0')).toBe(7);
    expect(await store.maxActiveRunsInForce('never-snapshotted')).toBeUndefined();
  });

  it('reads nothing for no pipelines', async () => {
    expect((await snapshotPipelines(ctx, [])).size).toBe(0);
  });
});
