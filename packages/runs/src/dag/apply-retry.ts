import { LOAD_PHASES } from '@pipeline/core';
import { RunStateError } from '../errors/run-state-error.js';
import type { PhaseRecord } from '../model/phase-record.js';
import type { Draft, RunRecord } from '../model/run-record.js';
import { withRollup } from './rollup.js';

const TO_RETRY = new Set(['failed', 'upstream_failed', 'cancelled']);
/** Phases that need the staging table, which cleanup drops even after a failure. */
const NEEDS_STAGING = new Set<string>(LOAD_PHASES.filter((p) => p !== 'extract-transform' && p !== 'cleanup'));

/**
 * A failed or cancelled run back to `queued`: its failed, upstream_failed and cancelled phases
 * return to `pending` with generation + 1 (a fresh BullMQ job id); successes are kept. Two
 * exceptions follow from cleanup, which drops the staging table whatever the outcome: a retried
 * load runs its cleanup again, and when that cleanup had already succeeded, the load's
 * staging-based phases (stage, audit, merge, validate) run again too. Extract-transform output
 * survives a failed load's cleanup, so a successful extract-transform is always kept.
 */
export function applyRetry(record: RunRecord, now: Date): RunRecord {
  if (record.state !== 'failed' && record.state !== 'cancelled') {
    throw new RunStateError(record.runId, record.state, 'retry', 'failed or cancelled');
  }
  const retriedLoads = new Set(record.phases.filter((p) => TO_RETRY.has(p.state)).map((p) => p.loadId));
  const cleanedLoads = new Set(record.phases.filter((p) => p.phase === 'cleanup' && p.state === 'success' && retriedLoads.has(p.loadId)).map((p) => p.loadId));
  const phases = record.phases.map((p): PhaseRecord => {
    const reset = TO_RETRY.has(p.state)
      || (retriedLoads.has(p.loadId) && p.phase === 'cleanup')
      || (cleanedLoads.has(p.loadId) && NEEDS_STAGING.has(p.phase));
    if (!reset) return p;
    return { loadId: p.loadId, phase: p.phase, state: 'pending', attempts: p.attempts, generation: p.generation + 1 };
  });
  const next: Draft<RunRecord> = { ...record, state: 'queued', phases };
  delete next.endedAt;
  return withRollup(next, now);
}
