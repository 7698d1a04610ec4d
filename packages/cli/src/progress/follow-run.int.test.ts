import { createLogger, parsePipeline } from '@pipeline/core';
import { Orchestrator, RunEventLog } from '@pipeline/runs';
import { uniqueName } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followRun } from './follow-run.js';
import type { PhaseChange } from './phase-change.js';

const pipeline = parsePipeline(
  'orders.yaml',
  `id: orders\nloads:\n  - id: a\n    source: { table: public.orders_raw }\n    target: { table: analytics.orders, key: [id] }\n`,
);
const EXTRACT = { externalId: 'local:test:0', outputDir: '/nowhere', manifest: { rowsRead: 3, rowsWritten: 3, format: 'csv', files: [], columns: [] } };

let keyPrefix: string;
let redis: Redis;
let reader: Redis;
let orchestrator: Orchestrator;

beforeEach(() => {
  keyPrefix = uniqueName('follow').replace(/_/g, '-');
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  reader = redis.duplicate();
  orchestrator = new Orchestrator({ redis, keyPrefix, logger: createLogger({ level: 'silent' }) });
});

afterEach(async () => {
  await orchestrator.close();
  const keys = await redis.keys(`{${keyPrefix}}*`);
  if (keys.length) await redis.del(...keys);
  reader.disconnect();
  redis.disconnect();
});

const shown = (changes: PhaseChange[]) => changes.map((c) => [c.loadId, c.phase, c.state, c.rows ?? null, c.errorCode ?? null].join(' '));

describe('followRun', () => {
  it('reports each change once and in order, even when the record is re-read after every read', async () => {
    const fromId = await new RunEventLog(redis, keyPrefix).lastId();
    // Another run's events are in the same stream and must be skipped.
    await orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
    const run = await orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
    const changes: PhaseChange[] = [];
    const following = followRun({ redis, reader, keyPrefix, run, fromId, signal: new AbortController().signal, onChange: (c) => changes.push(c), recheckMs: 0, blockMs: 50 });
    await orchestrator.markRunning(run.runId, 'a', 'extract-transform', { worker: 'w1', attempt: 1 });
    await orchestrator.markRunning(run.runId, 'a', 'extract-transform', { worker: 'w2', attempt: 2 });
    await orchestrator.completePhase(run.runId, 'a', 'extract-transform', EXTRACT);
    await orchestrator.markRunning(run.runId, 'a', 'stage', { worker: 'w2', attempt: 1 });
    await orchestrator.failPhase(run.runId, 'a', 'stage', Object.assign(new Error('copy failed'), { code: 'E_TEST' }), { final: true });
    await orchestrator.cancelRun(run.runId);
    const done = await following;

    expect(done?.state).toBe('cancelled');
    expect(shown(changes)).toEqual([
      'a extract-transform running  ',
      'a extract-transform running  ',
      'a extract-transform success 3 ',
      'a stage queued  ',
      'a stage running  ',
      'a stage failed  E_TEST',
      'a audit upstream_failed  ',
      'a merge upstream_failed  ',
      'a validate upstream_failed  ',
      // Cancelling leaves the cleanup queued: it still drops what the run staged.
      'a cleanup queued  ',
    ]);
    expect(changes[1]).toMatchObject({ attempt: 2, restarted: true });
    expect(changes[2]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports from the record what a trimmed stream no longer holds', async () => {
    const log = new RunEventLog(redis, keyPrefix);
    const fromId = await log.lastId();
    const run = await orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
    await orchestrator.markRunning(run.runId, 'a', 'extract-transform', { worker: 'w1', attempt: 1 });
    await orchestrator.completePhase(run.runId, 'a', 'extract-transform', EXTRACT);
    await redis.xtrim(log.key, 'MAXLEN', 0);
    const changes: PhaseChange[] = [];
    const following = followRun({ redis, reader, keyPrefix, run, fromId, signal: new AbortController().signal, onChange: (c) => changes.push(c), recheckMs: 100, blockMs: 50 });
    await expect.poll(() => changes.length).toBe(2);
    expect(shown(changes)).toEqual(['a extract-transform success 3 ', 'a stage queued  ']);
    await orchestrator.cancelRun(run.runId);
    expect((await following)?.state).toBe('cancelled');
  });

  it('resolves with nothing when aborted during a blocking read', async () => {
    const fromId = await new RunEventLog(redis, keyPrefix).lastId();
    const run = await orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
    const controller = new AbortController();
    const following = followRun({ redis, reader, keyPrefix, run, fromId, signal: controller.signal, onChange: () => undefined, blockMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    controller.abort();
    reader.disconnect();
    expect(await following).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
    await orchestrator.cancelRun(run.runId);
  });
});
