import type { LoadPhase } from '@pipeline/core';
import type { RunRecord } from '../model/run-record.js';
import { findPhase, replacePhase } from './find-phase.js';
import type { GenerationOption } from './guard-phase.js';
import { withRollup } from './rollup.js';

/**
 * A worker shutting down handed the running phase back to the queue: the phase is `queued`
 * again, with its external id kept so the next attempt re-attaches to the job still running.
 * Recorded so that the next worker's start reads as a hand-over, not as a worker that died.
 * Anything else (another generation, a phase no longer running) is left as it is.
 */
export function applyPhaseReleased(record: RunRecord, loadId: string, phase: LoadPhase, now: Date, options: GenerationOption = {}): RunRecord {
  const index = findPhase(record, loadId, phase);
  const current = record.phases[index]!;
  if (current.state !== 'running') return record;
  if (options.generation !== undefined && options.generation !== current.generation) return record;
  return withRollup(replacePhase(record, index, { ...current, state: 'queued', queuedAt: now.toISOString() }), now);
}
