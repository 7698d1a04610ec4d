import type { LoadPhase } from '@pipeline/core';
import type { RunRecord } from '../model/run-record.js';
import { findPhase, replacePhase } from './find-phase.js';
import { assertGeneration, type GenerationOption } from './guard-phase.js';
import { withFields } from './with-fields.js';

/** Records the external job a phase waits on. Same object when it is already recorded. */
export function applyExternalId(record: RunRecord, loadId: string, phase: LoadPhase, externalId: string, options: GenerationOption = {}): RunRecord {
  const index = findPhase(record, loadId, phase);
  const current = record.phases[index]!;
  assertGeneration(record, current, options);
  if (current.externalId === externalId) return record;
  return replacePhase(record, index, withFields(current, { externalId }));
}
