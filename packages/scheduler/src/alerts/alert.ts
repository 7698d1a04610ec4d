import type { LoadPhase } from '@pipeline/core';
import type { PhaseState, RunState, Trigger } from '@pipeline/runs';

export const ALERT_KINDS = ['run_failed', 'check_failed', 'deadline_missed', 'phase_stalled'] as const;

/**
 * - `run_failed`: a run became `failed`.
 * - `check_failed`: a phase failed for good on a blocking staging check or a final-table check.
 * - `deadline_missed`: a run was still not `success` when its pipeline's `deadline` passed.
 * - `phase_stalled`: the worker running a phase died (another worker restarted the phase, or
 *   its heartbeat expired while the phase was `running`).
 */
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The facts of one alert: what the payload shows and what receivers get as structured data. */
export interface Alert {
  kind: AlertKind;
  /** Identity of the state change alerted on: the alert is sent once per key (see `alertKey`). */
  key: string;
  pipelineId: string;
  runId: string;
  trigger: Trigger;
  /** The run's state, or the phase's for phase alerts. */
  state: RunState | PhaseState;
  intervalStart: string | null;
  intervalEnd: string | null;
  loadId?: string;
  phase?: LoadPhase;
  /** The phase attempt the alert is about (the dead one, for `phase_stalled`). */
  attempt?: number;
  /** For `phase_stalled`: the worker that died. */
  worker?: string;
  error?: { code: string; message: string };
  /** For `check_failed`: the names of the checks that failed. */
  checks?: string[];
  /** For `deadline_missed`: the instant the run had to have succeeded by. */
  deadline?: string;
  /** ISO instant of the change, or of its detection by the sweep. */
  at: string;
}
