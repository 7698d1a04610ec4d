import type { LoadRun } from '@pipeline/core';
import { PhaseNotFoundError } from '../errors/phase-not-found-error.js';
import type { RunRecord } from './run-record.js';

/**
 * The core `LoadRun` of one load, built from the run's snapshot alone, so that every worker
 * runs a phase with exactly what the run was created with. Parameters layer as in core's
 * `planLoads`: pipeline < load < run.
 */
export function toLoadRun(record: RunRecord, loadId: string): LoadRun {
  const load = record.pipeline.loads.find((l) => l.id === loadId);
  if (!load) throw new PhaseNotFoundError(record.runId, loadId);
  return {
    runId: record.runId,
    pipelineId: record.pipelineId,
    load,
    interval: record.intervalStart && record.intervalEnd ? { start: record.intervalStart, end: record.intervalEnd } : null,
    params: { ...record.pipeline.params, ...load.params, ...record.params },
    transformPath: record.transformPaths[loadId] ?? null,
  };
}
