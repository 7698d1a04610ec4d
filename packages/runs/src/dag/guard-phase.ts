import type { PhaseRecord } from '../model/phase-record.js';
import type { RunRecord } from '../model/run-record.js';
import { PhaseTransitionError, type PhaseTransitionCode } from '../errors/phase-transition-error.js';

export interface GenerationOption {
  /** The job's generation: when given and the phase has moved on (`retryRun`), the change is refused as stale. */
  generation?: number;
}

export function transitionError(code: PhaseTransitionCode, record: RunRecord, phase: PhaseRecord, message: string): PhaseTransitionError {
  return new PhaseTransitionError(code, message, {
    runId: record.runId,
    loadId: phase.loadId,
    phase: phase.phase,
    runState: record.state,
    phaseState: phase.state,
  });
}

/** Refuses a change from a job of an older generation than the phase's. */
export function assertGeneration(record: RunRecord, phase: PhaseRecord, options: GenerationOption): void {
  if (options.generation !== undefined && options.generation !== phase.generation) {
    throw transitionError(
      'E_PHASE_STALE',
      record,
      phase,
      `phase ${phase.loadId}/${phase.phase} of run "${record.runId}" is at generation ${phase.generation}, the job at ${options.generation}: the run was retried, so this job's outcome no longer counts`,
    );
  }
}
