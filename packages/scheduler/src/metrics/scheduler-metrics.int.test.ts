import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, parsePipeline } from '@pipeline/core';
import { backfill, Orchestrator, QUEUE_KINDS } from '@pipeline/runs';
import { parsePrometheusText, uniqueName } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schedulerKeys } from '../loop/scheduler-keys.js';
import { startScheduler, type Scheduler, type TickReport } from '../loop/start-scheduler.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger({ level: 'silent' });
const HOUR = 3_600_000;

function definition(id: string, cron: string, start: string): string {
  return `id: ${id}
schedule: { cron: "${cron}", timezone: UTC, catchup: true, start: "${start}", maxActiveRuns: 5 }
loads:
  - id: main
    source: { table: public.src, incrementalColumn: updated_at }
    target: { table: public.dst, key: [id] }
`;
}

describe('scheduler metrics', () => {
  let keyPrefix: string;
  let dir: string;
  let redis: Redis;
  let scheduler: Scheduler | undefined;

  beforeEach(async () => {
    keyPrefix = uniqueName('schedm');
    dir = await mkdtemp(path.join(tmpdir(), 'scheduler-metrics-'));
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });

  afterEach(async () => {
    await scheduler?.stop();
    const orchestrator = new Orchestrator({ redis, keyPrefix, logger });
    await Promise.all(QUEUE_KINDS.map((kind) => orchestrator.queue(kind).obliterate({ force: true })));
    await orchestrator.close();
    const keys = await redis.keys(`{${keyPrefix}}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  });

  it('count ticks, runs created by trigger and lock contention, beside the cluster gauges', async () => {
    const now = new Date('2026-03-01T03:30:00Z');
    await writeFile(path.join(dir, 'hourly.yaml'), definition('hourly', '0 * * * *', '2026-03-01T00:00:00Z'));
    const daily = definition('daily', '0 0 * * *', '2030-01-01T00:00:00Z');
    await writeFile(path.join(dir, 'daily.yaml'), daily);
    await writeFile(path.join(dir, 'held.yaml'), definition('held', '0 * * * *', '2026-03-01T00:00:00Z'));
    await backfill({ redis, keyPrefix, pipeline: parsePipeline('daily.yaml', daily), from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-02-03T00:00:00Z'), reprocess: 'none', now });
    // Another replica holds the lock of `held` for the whole test.
    await redis.set(schedulerKeys(keyPrefix, 'held').lock, 'another-replica', 'PX', HOUR);

    const registry = new Registry();
    const reports: TickReport[] = [];
    scheduler = startScheduler({ config: { pipelinesDir: dir }, redis, keyPrefix, logger, tickMs: HOUR, now: () => now, metrics: registry, onTick: (r) => void reports.push(r) });
    await scheduler.tick();
    // The scheduler's own first tick, started on its timer, follows the one asked for.
    await expect.poll(() => reports.length, { timeout: 10_000 }).toBe(2);

    const metrics = parsePrometheusText(await registry.metrics());
    expect(metrics.types).toMatchObject({ pipeline_scheduler_ticks_total: 'counter', pipeline_scheduler_tick_duration_seconds: 'histogram', pipeline_scheduler_runs_created_total: 'counter' });
    expect(metrics.value('pipeline_scheduler_ticks_total', { outcome: 'ok' })).toBe(2);
    expect(metrics.value('pipeline_scheduler_tick_duration_seconds_count')).toBe(2);
    expect(metrics.value('pipeline_scheduler_tick_duration_seconds_sum')).toBeGreaterThan(0);
    expect(metrics.value('pipeline_scheduler_runs_created_total', { pipeline: 'hourly', trigger: 'schedule' })).toBe(3);
    expect(metrics.value('pipeline_scheduler_runs_created_total', { pipeline: 'daily', trigger: 'backfill' })).toBe(2);
    expect(metrics.find('pipeline_scheduler_runs_created_total')).toHaveLength(2);
    expect(metrics.value('pipeline_scheduler_lock_busy_total', { pipeline: 'held' })).toBe(2);
    expect(metrics.find('pipeline_scheduler_lock_busy_total')).toHaveLength(1);

    expect(metrics.value('pipeline_runs', { pipeline: 'hourly', state: 'queued' })).toBe(3);
    expect(metrics.value('pipeline_runs', { pipeline: 'daily', state: 'queued' })).toBe(2);
    expect(metrics.value('pipeline_queue_jobs', { queue: 'spark', state: 'waiting' })).toBe(5);
    expect(metrics.value('pipeline_workers', { queue: 'sql' })).toBe(0);
  });
});
