import {
  audit,
  cleanup,
  merge,
  stage,
  validate,
  type AuditResult,
  type ExtractResult,
  type LoadPhase,
  type LoadServices,
  type StageResult,
} from '@pipeline/core';
import { toLoadRun, type RunRecord } from '@pipeline/runs';
import { extractOrReattach } from './extract-or-reattach.js';
import { previousResult } from './previous-result.js';

export interface PhaseRunContext {
  services: LoadServices;
  signal: AbortSignal;
  /** This attempt of the phase, counting from 1. */
  attempt?: number;
}

/** Cleanup keeps the run's files for debugging unless every other phase of the load succeeded. */
function loadSucceeded(record: RunRecord, loadId: string): boolean {
  return record.phases.filter((p) => p.loadId === loadId && p.phase !== 'cleanup').every((p) => p.state === 'success');
}

/**
 * Runs one phase of one load with core's phase function, feeding it the results the run record
 * holds for its upstream phases. Returns the phase's JSON result.
 */
export async function runPhase(record: RunRecord, loadId: string, phase: LoadPhase, context: PhaseRunContext): Promise<unknown> {
  const run = toLoadRun(record, loadId);
  const { services, signal } = context;
  const options = { signal, ...(context.attempt ? { attempt: context.attempt } : {}) };
  const extracted = () => previousResult<ExtractResult>(record, loadId, 'extract-transform');
  const staged = () => previousResult<StageResult>(record, loadId, 'stage');
  switch (phase) {
    case 'extract-transform': {
      const current = record.phases.find((p) => p.loadId === loadId && p.phase === phase);
      return extractOrReattach(run, services, current?.externalId, options);
    }
    case 'stage':
      return stage(run, services, extracted(), options);
    case 'audit':
      return audit(run, services, staged(), options);
    case 'merge':
      return merge(run, services, extracted(), staged(), previousResult<AuditResult>(record, loadId, 'audit'), options);
    case 'validate':
      return validate(run, services, extracted(), staged(), options);
    case 'cleanup':
      return cleanup(run, services, { success: loadSucceeded(record, loadId) }, options);
  }
}
