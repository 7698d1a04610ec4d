import type { LoadPhase } from '@pipeline/core';
import type { PhaseRecord } from '../model/phase-record.js';
import type { Draft, RunRecord } from '../model/run-record.js';
import { findPhase, replacePhase } from './find-phase.js';
import { assertGeneration, type GenerationOption } from './guard-phase.js';
import { withFields } from './with-fields.js';
import { withRollup } from './rollup.js';

/**
 * The phase succeeded with `result`. A phase already `success` returns the record unchanged
 * (same object), which makes a repeated hand-off a no-op. A phase cancelled while it ran is
 * recorded as success all the same: its work did happen (a merge committed), and a later retry
 * must not redo it needlessly.
 */
export function applyPhaseSuccess(record: RunRecord, loadId: string, phase: LoadPhase, result: unknown, now: Date, options: GenerationOption = {}): RunRecord {
  const index = findPhase(record, loadId, phase);
  const current = record.phases[index]!;
  assertGeneration(record, current, options);
  if (current.state === 'success') return record;
  const next: Draft<PhaseRecord> = withFields(current, { state: 'success', result, endedAt: now.toISOString() });
  delete next.error;
  return withRollup(replacePhase(record, index, next), now);
}
