import { initialPhases } from '../dag/initial-phases.js';
import type { RunRecord } from '../model/run-record.js';
import { testPipeline } from './test-pipeline.js';

/** A scheduled run of `testPipeline()` at version 1, nothing started, as a run store test writes it. */
export function testRecord(runId: string, overrides: Partial<RunRecord> = {}): RunRecord {
  const pipeline = testPipeline();
  return {
    runId,
    pipelineId: pipeline.id,
    trigger: 'schedule',
    state: 'queued',
    intervalStart: '2026-01-01T00:00:00.000Z',
    intervalEnd: '2026-01-02T00:00:00.000Z',
    params: {},
    createdAt: '2026-01-02T00:05:00.000Z',
    pipeline,
    transformPaths: { a: null, b: null, e: null },
    phases: initialPhases(pipeline),
    version: 1,
    ...overrides,
  };
}
