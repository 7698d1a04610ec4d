import type { LoadPhase } from '@pipeline/core';
import { PhaseNotFoundError } from '../errors/phase-not-found-error.js';
import type { PhaseRecord } from '../model/phase-record.js';
import type { RunRecord } from '../model/run-record.js';

/** Index of a phase in `record.phases`; throws when the run has no such phase. */
export function findPhase(record: RunRecord, loadId: string, phase: LoadPhase): number {
  const index = record.phases.findIndex((p) => p.loadId === loadId && p.phase === phase);
  if (index < 0) throw new PhaseNotFoundError(record.runId, loadId, phase);
  return index;
}

/** A copy of the record with one phase replaced. */
export function replacePhase(record: RunRecord, index: number, phase: PhaseRecord): RunRecord {
  const phases = record.phases.slice();
  phases[index] = phase;
  return { ...record, phases };
}
