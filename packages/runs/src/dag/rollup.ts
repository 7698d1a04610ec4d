import type { Draft, RunRecord } from '../model/run-record.js';
import type { RunState } from '../model/states.js';
import { withFields } from './with-fields.js';

/**
 * The run's state from its phases. A cancelled run stays cancelled (only `retryRun` leaves
 * it); any phase running → running; all success → success; a failure with nothing left that
 * can run (pending, queued or running) → failed; else running once it has started, queued
 * before (and again after `retryRun`). Phases that can no longer run are
 * `upstream_failed` by then, so a pending phase after a failure is one that still will run
 * (cleanup of the failed load).
 */
export function rollup(record: RunRecord): RunState {
  if (record.state === 'cancelled') return 'cancelled';
  const states = record.phases.map((p) => p.state);
  if (states.includes('running')) return 'running';
  if (states.every((s) => s === 'success')) return 'success';
  const live = states.some((s) => s === 'pending' || s === 'queued');
  const failed = states.some((s) => s === 'failed' || s === 'upstream_failed' || s === 'cancelled');
  if (failed && !live) return 'failed';
  // Between two phases a started run stays running: it does not flap back to queued at every
  // hand-off (the runs-by-state gauge, the event stream and the dashboard would all flicker).
  if (record.state === 'running') return 'running';
  return 'queued';
}

/** The record with its rolled-up state, `startedAt` set on first running and `endedAt` on a terminal state. */
export function withRollup(record: RunRecord, now: Date): RunRecord {
  const state = rollup(record);
  const at = now.toISOString();
  const terminal = state === 'success' || state === 'failed' || state === 'cancelled';
  const fields: Draft<Partial<RunRecord>> = { state };
  if (state === 'running' && !record.startedAt) fields.startedAt = at;
  if (terminal && !record.endedAt) fields.endedAt = at;
  const next: Draft<RunRecord> = withFields(record, fields);
  if (!terminal && 'endedAt' in next) delete next.endedAt;
  return next;
}
