import type { Draft, RunRecord } from '../model/run-record.js';

/**
 * A held run is given a run slot: it is no longer held, so its first phases become ready. The
 * same object when the run was not held (admitted already, or finished: a held run that was
 * cancelled stays cancelled).
 */
export function applyAdmitted(record: RunRecord): RunRecord {
  if (!record.held) return record;
  const next: Draft<RunRecord> = { ...record };
  delete next.held;
  return next;
}
