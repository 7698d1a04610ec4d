import type { RunRecord, StoredRunEvent } from '@pipeline/runs';
import type { Alert } from './alert.js';
import { alertKeys } from './alert-key.js';
import { CHECK_FAILURE_CODES, failedChecks } from './failed-checks.js';

/** Run and interval of a phase event, which does not carry the interval itself. */
export type RunInterval = Pick<RunRecord, 'intervalStart' | 'intervalEnd'>;

/**
 * The alert an event stands for, if any. A phase attempt that fails and will be retried goes
 * `running → queued` and raises nothing; only a phase failed for good (`→ failed`) on its data
 * checks does. `run` supplies the interval of phase events (null when the run is gone).
 */
export function alertForEvent({ id, event }: StoredRunEvent, run: RunInterval | null): Alert | undefined {
  const base = { pipelineId: event.pipelineId, runId: event.runId, trigger: event.trigger, at: event.at };
  if (event.type === 'run') {
    if (event.to !== 'failed' || event.from === 'failed') return undefined;
    return { ...base, kind: 'run_failed', key: alertKeys.runFailed(event.runId, id), state: 'failed', intervalStart: event.intervalStart, intervalEnd: event.intervalEnd };
  }
  const interval = { intervalStart: run?.intervalStart ?? null, intervalEnd: run?.intervalEnd ?? null };
  const phase = { loadId: event.loadId, phase: event.phase };
  if (event.to === 'failed' && event.from !== 'failed' && event.error && CHECK_FAILURE_CODES.has(event.error.code)) {
    return {
      ...base,
      ...interval,
      ...phase,
      kind: 'check_failed',
      key: alertKeys.checkFailed(event.runId, id),
      state: 'failed',
      attempt: event.attempts,
      error: event.error,
      checks: event.error.checks ?? failedChecks(event.error.message),
    };
  }
  if (event.restarted) {
    // The new attempt is `attempts`; the one whose worker died is the one before it.
    const attempt = event.attempts - 1;
    return {
      ...base,
      ...interval,
      ...phase,
      kind: 'phase_stalled',
      key: alertKeys.phaseStalled({ runId: event.runId, ...phase, generation: event.generation, attempt }),
      state: 'running',
      attempt,
      ...(event.previousWorker === undefined ? {} : { worker: event.previousWorker }),
    };
  }
  return undefined;
}
