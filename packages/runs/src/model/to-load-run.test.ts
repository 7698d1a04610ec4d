import { PipelineSchema } from '@pipeline/core';
import { describe, expect, it } from 'vitest';
import { initialPhases } from '../dag/initial-phases.js';
import { PhaseNotFoundError } from '../errors/phase-not-found-error.js';
import type { RunRecord } from './run-record.js';
import { toLoadRun } from './to-load-run.js';

const pipeline = PipelineSchema.parse({
  id: 'orders',
  params: { region: 'eu', batch: 1 },
  loads: [{ id: 'a', source: { table: 'public.a' }, target: { table: 'analytics.a', key: ['id'] }, params: { batch: 2, only: 'a' } }],
});

const record: RunRecord = {
  runId: 'orders.scheduled.20260101t000000z',
  pipelineId: 'orders',
  trigger: 'schedule',
  state: 'queued',
  intervalStart: '2026-01-01T00:00:00.000Z',
  intervalEnd: '2026-01-02T00:00:00.000Z',
  params: { region: 'us' },
  createdAt: '2026-01-02T00:00:00.000Z',
  pipeline,
  transformPaths: { a: '/srv/transforms/a.py' },
  phases: initialPhases(pipeline),
  version: 1,
};

describe('toLoadRun', () => {
  it('rebuilds the load run from the snapshot, params layered pipeline < load < run', () => {
    expect(toLoadRun(record, 'a')).toEqual({
      runId: record.runId,
      pipelineId: 'orders',
      load: pipeline.loads[0],
      interval: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z' },
      params: { region: 'us', batch: 2, only: 'a' },
      transformPath: '/srv/transforms/a.py',
    });
  });

  it('gives a full refresh a null interval and refuses an unknown load', () => {
    expect(toLoadRun({ ...record, intervalStart: null, intervalEnd: null }, 'a').interval).toBeNull();
    expect(() => toLoadRun(record, 'zz')).toThrow(PhaseNotFoundError);
  });
});
