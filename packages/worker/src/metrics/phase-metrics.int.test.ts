import { ChecksFailedError, type CheckResult, type MergeResult } from '@pipeline/core';
import type { RunRecord } from '@pipeline/runs';
import { parsePrometheusText } from '@pipeline/testing';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PhaseRunContext } from '../phase-runner.js';
import { createWorkerFixture, type WorkerFixture } from '../test-support/worker-fixture.js';

let fx: WorkerFixture;

beforeEach(async () => {
  fx = await createWorkerFixture('worker_metrics');
});

afterEach(async () => {
  await fx?.teardown();
});

const check = (name: string, passed: boolean, stage: CheckResult['stage']): CheckResult => ({ name, passed, observed: passed ? 0 : 2, sample: [], stage });

/**
 * Phases that do no work but give each run its own story, told by the run's parameter `story`:
 * `merges` merges 3 new and 2 updated rows and passes, `bad-final` merges and then fails two
 * final checks, `bad-staging` fails a staging check. Extract takes 0.6 s, to land in a known bucket.
 */
async function storyRunner(record: RunRecord, _loadId: string, phase: string, _context: PhaseRunContext): Promise<unknown> {
  const story = record.params.story;
  switch (phase) {
    case 'extract-transform':
      await new Promise((resolve) => setTimeout(resolve, 600));
      return { externalId: 'local:none:0' };
    case 'audit':
      if (story === 'bad-staging') throw new ChecksFailedError('staging', [check('not_null(email)', false, 'staging'), check('unique(id)', true, 'staging')]);
      return { checks: [], duplicatesRemoved: 0, rowsStaged: 5, rowsMatched: 2, rowsStale: 0 };
    case 'merge':
      return { rowsInserted: 3, rowsUpdated: 2, rowsDeleted: null, createdTarget: false } satisfies MergeResult;
    case 'validate':
      if (story === 'bad-final') throw new ChecksFailedError('final', [check('row_count', false, 'final'), check('freshness(updated_at)', false, 'final'), check('unique(id)', true, 'final')]);
      return { checks: [] };
    default:
      return {};
  }
}

describe('worker metrics', () => {
  it('time and count the phases that ran, the rows merged and the failed checks', async () => {
    const registry = new Registry();
    const runs = await Promise.all(
      ['merges', 'bad-final', 'bad-staging'].map((story) => fx.orchestrator.createRun({ pipeline: fx.customersPipeline(), trigger: 'manual', interval: null, params: { story } })),
    );
    await fx.startWorker({ metrics: registry, phaseRunner: storyRunner });
    const done = await Promise.all(runs.map((r) => fx.waitForRun(r.runId, ['success', 'failed', 'cancelled'])));
    expect(done.map((r) => r.state)).toEqual(['success', 'failed', 'failed']);

    const metrics = parsePrometheusText(await registry.metrics());
    expect(metrics.types).toMatchObject({
      pipeline_phase_duration_seconds: 'histogram',
      pipeline_phases_total: 'counter',
      pipeline_rows_merged_total: 'counter',
      pipeline_check_failures_total: 'counter',
      pipeline_phases_running: 'gauge',
    });
    const pipeline = 'customers';
    const count = (phase: string, outcome: string) => metrics.value('pipeline_phase_duration_seconds_count', { pipeline, phase, outcome });
    expect(count('extract-transform', 'success')).toBe(3);
    expect(count('merge', 'success')).toBe(2);
    expect(count('audit', 'success')).toBe(2);
    expect(count('audit', 'failed')).toBe(1);
    expect(count('validate', 'success')).toBe(1);
    expect(count('validate', 'failed')).toBe(1);
    expect(count('cleanup', 'success')).toBe(3);
    expect(metrics.find('pipeline_phase_duration_seconds_count', { phase: 'merge', outcome: 'failed' })).toEqual([]);
    for (const sample of metrics.find('pipeline_phases_total')) {
      expect(sample.value, JSON.stringify(sample.labels)).toBe(count(sample.labels.phase!, sample.labels.outcome!));
    }
    expect(metrics.find('pipeline_phases_total')).toHaveLength(metrics.find('pipeline_phase_duration_seconds_count').length);

    // The extracts took 0.6 s each: above the 0.5 s bucket, within the 1 s one; in seconds, not milliseconds.
    const bucket = (le: string) => metrics.value('pipeline_phase_duration_seconds_bucket', { pipeline, phase: 'extract-transform', outcome: 'success', le });
    expect(bucket('0.5')).toBe(0);
    expect(bucket('1')).toBe(3);
    expect(bucket('+Inf')).toBe(3);
    const sum = metrics.value('pipeline_phase_duration_seconds_sum', { pipeline, phase: 'extract-transform', outcome: 'success' });
    expect(sum).toBeGreaterThanOrEqual(1.8);
    expect(sum).toBeLessThan(3);

    expect(metrics.value('pipeline_rows_merged_total', { pipeline, load: 'customers' })).toBe(10);
    const failures = Object.fromEntries(metrics.find('pipeline_check_failures_total').map((s) => [s.labels.check, s.value]));
    expect(failures).toEqual({ 'not_null(email)': 1, row_count: 1, 'freshness(updated_at)': 1 });
    expect(metrics.find('pipeline_check_failures_total').every((s) => s.labels.pipeline === pipeline && s.labels.load === 'customers')).toBe(true);

    expect(metrics.value('pipeline_phases_running', { queue: 'spark' })).toBe(0);
    expect(metrics.value('pipeline_phases_running', { queue: 'sql' })).toBe(0);
  });

  it('report the phases running now, by queue', async () => {
    const registry = new Registry();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const run = await fx.orchestrator.createRun({ pipeline: fx.customersPipeline(), trigger: 'manual', interval: null });
    await fx.startWorker({
      metrics: registry,
      phaseRunner: async (_record, _loadId, phase) => {
        if (phase === 'extract-transform') await gate;
        return {};
      },
    });
    const running = async () => parsePrometheusText(await registry.metrics()).value('pipeline_phases_running', { queue: 'spark' });
    await expect.poll(running, { timeout: 10_000 }).toBe(1);
    expect(parsePrometheusText(await registry.metrics()).value('pipeline_phases_running', { queue: 'sql' })).toBe(0);
    release();
    await fx.waitForRun(run.runId, ['success', 'failed', 'cancelled']);
    expect(await running()).toBe(0);
  });
});
