import type { LoadPhase } from '@pipeline/core';
import type { RunRecord } from '@pipeline/runs';
import { PhaseInputError } from './errors/phase-input-error.js';

/**
 * The stored result of an upstream phase of the same load. Results are written by this worker's
 * own phase functions (plain JSON), so the type is the phase function's return type.
 */
export function previousResult<T>(record: RunRecord, loadId: string, phase: LoadPhase): T {
  const upstream = record.phases.find((p) => p.loadId === loadId && p.phase === phase);
  if (upstream?.state !== 'success' || upstream.result === undefined) throw new PhaseInputError(record.runId, loadId, phase);
  return upstream.result as T;
}
