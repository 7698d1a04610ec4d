import type { LoadPhase } from '@pipeline/core';
import type { PhaseErrorInfo } from '../model/phase-record.js';
import type { RunRecord } from '../model/run-record.js';
import { isTerminalPhase } from '../model/states.js';
import { findPhase, replacePhase } from './find-phase.js';
import { assertGeneration, type GenerationOption } from './guard-phase.js';
import { propagateFailures } from './propagate-failures.js';
import { withRollup } from './rollup.js';

/**
 * The phase failed for good: it becomes `failed`, everything that can no longer run becomes
 * `upstream_failed` (cleanup of the same load still runs). A phase already terminal is left as
 * it is (same object returned): a repeated report changes nothing.
 */
export function applyPhaseFailure(record: RunRecord, loadId: string, phase: LoadPhase, error: PhaseErrorInfo, now: Date, options: GenerationOption = {}): RunRecord {
  const index = findPhase(record, loadId, phase);
  const current = record.phases[index]!;
  assertGeneration(record, current, options);
  if (isTerminalPhase(current.state)) return record;
  const failed = replacePhase(record, index, { ...current, state: 'failed', error, endedAt: now.toISOString() });
  return withRollup(propagateFailures(failed, now), now);
}

/**
 * One attempt failed and the queue will try again after its backoff: the phase goes back to
 * `queued` with the attempt's error, so the run shows why it is waiting.
 */
export function applyPhaseAttemptFailure(record: RunRecord, loadId: string, phase: LoadPhase, error: PhaseErrorInfo, now: Date, options: GenerationOption = {}): RunRecord {
  const index = findPhase(record, loadId, phase);
  const current = record.phases[index]!;
  assertGeneration(record, current, options);
  if (isTerminalPhase(current.state)) return record;
  return withRollup(replacePhase(record, index, { ...current, state: 'queued', error, queuedAt: now.toISOString() }), now);
}
