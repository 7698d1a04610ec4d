import { scheduledRunId } from '@pipeline/core';

/**
 * The id of the `n`th reprocessing of an interval (n ≥ 1): the scheduled id plus `.r<n>`. Like
 * the scheduled id it is derived, so replicas and repeated backfill requests agree on it, and the
 * run store's create-if-absent makes a second request for the same reprocessing a no-op.
 */
export function reprocessRunId(pipelineId: string, intervalStart: Date, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`reprocess number must be a positive integer, got ${n}`);
  return `${scheduledRunId(pipelineId, intervalStart)}.r${n}`;
}

/** Every id an interval's runs can have, in creation order: the scheduled id, then `.r1`, `.r2`, … */
export function* intervalRunIds(pipelineId: string, intervalStart: Date): Generator<string> {
  yield scheduledRunId(pipelineId, intervalStart);
  for (let n = 1; ; n += 1) yield reprocessRunId(pipelineId, intervalStart, n);
}
