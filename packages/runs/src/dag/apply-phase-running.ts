import type { LoadPhase } from '@pipeline/core';
import type { PhaseRecord } from '../model/phase-record.js';
import type { Draft, RunRecord } from '../model/run-record.js';
import { isTerminalPhase } from '../model/states.js';
import { findPhase, replacePhase } from './find-phase.js';
import { assertGeneration, transitionError, type GenerationOption } from './guard-phase.js';
import { withFields } from './with-fields.js';
import { withRollup } from './rollup.js';

export interface RunningOptions extends GenerationOption {
  /** Id of the worker taking the phase. */
  worker: string;
}

/**
 * A worker starts an attempt: `running`, one more attempt counted. Refused (PhaseTransitionError)
 * when the run was cancelled (its cleanups excepted), the phase already finished or was never queued, or the job is of an older generation,
 * so that exactly the jobs that may still run do. The external id of an earlier attempt is
 * kept: a retried attempt reconnects to it instead of starting the external work again.
 */
export function applyPhaseRunning(record: RunRecord, loadId: string, phase: LoadPhase, options: RunningOptions, now: Date): RunRecord {
  const index = findPhase(record, loadId, phase);
  const current = record.phases[index]!;
  if (record.state === 'cancelled' && phase !== 'cleanup') {
    throw transitionError('E_RUN_CANCELLED', record, current, `run "${record.runId}" was cancelled; phase ${loadId}/${phase} must not start`);
  }
  assertGeneration(record, current, options);
  if (isTerminalPhase(current.state)) {
    throw transitionError('E_PHASE_TERMINAL', record, current, `phase ${loadId}/${phase} of run "${record.runId}" is already ${current.state}; it runs again only after retryRun`);
  }
  if (current.state === 'pending') {
    throw transitionError('E_PHASE_NOT_QUEUED', record, current, `phase ${loadId}/${phase} of run "${record.runId}" was never queued${record.held ? ': the run is held for a run slot' : ''}; it starts once it is`);
  }
  const next: Draft<PhaseRecord> = withFields(current, { state: 'running', attempts: current.attempts + 1, startedAt: now.toISOString(), worker: options.worker });
  delete next.endedAt;
  return withRollup(replacePhase(record, index, next), now);
}
