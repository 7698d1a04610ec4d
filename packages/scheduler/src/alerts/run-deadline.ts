import { parseDeadline } from '@pipeline/core';
import type { RunRecord } from '@pipeline/runs';

/**
 * The instant a run has to have succeeded by, from its own pipeline snapshot; undefined when
 * the pipeline sets no `deadline`. Scheduled runs count from their interval end (when the
 * schedule fires them). Backfill runs count from the later of interval end and creation, so a
 * backfill of last year's data is not late the moment it is created. Manual runs and full
 * refreshes count from creation.
 */
export function runDeadline(run: Pick<RunRecord, 'trigger' | 'intervalEnd' | 'createdAt' | 'pipeline'>): Date | undefined {
  const text = run.pipeline.deadline;
  const seconds = text === undefined ? undefined : parseDeadline(text);
  if (seconds === undefined) return undefined;
  const created = Date.parse(run.createdAt);
  const end = run.intervalEnd === null ? undefined : Date.parse(run.intervalEnd);
  let from = created;
  if (end !== undefined && run.trigger === 'schedule') from = end;
  if (end !== undefined && run.trigger === 'backfill') from = Math.max(end, created);
  return new Date(from + seconds * 1000);
}
