import type { LoadPhase } from '@pipeline/core';
import type { PhaseState } from './states.js';

/** What a phase failed with: the error's stable code and its message. */
export interface PhaseErrorInfo {
  readonly code: string;
  readonly message: string;
  /**
   * What the failing service said besides the message, for the run page: EMR's FailureDetails
   * (reason, message, log file) and the job's S3 log folder.
   */
  readonly details?: { reason?: string; message?: string; logFile?: string; logUri?: string };
  /** The checks that failed, when the phase failed on its data checks (audit or validate). */
  readonly checks?: FailedCheckInfo[];
}

/** One failed data check, as the run page and alerts show it. */
export interface FailedCheckInfo {
  readonly name: string;
  /** The measured value: failing rows, a row count, an age in seconds. */
  readonly observed: number | string | null;
  readonly stage: 'staging' | 'final';
}

/** One phase of one load of a run. */
export interface PhaseRecord {
  readonly loadId: string;
  readonly phase: LoadPhase;
  readonly state: PhaseState;
  /** Executions started (BullMQ attempts + manual retries). */
  readonly attempts: number;
  /** Bumped by `retryRun`; part of the BullMQ job id, so a retried phase gets a fresh job. */
  readonly generation: number;
  readonly queuedAt?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  /** `local:<hostname>:<pid>`, an EMR step id or a statement id: stored BEFORE the worker waits on it. */
  readonly externalId?: string;
  /** The phase function's JSON result. */
  readonly result?: unknown;
  readonly error?: PhaseErrorInfo;
  /** Id of the worker that ran the latest attempt. */
  readonly worker?: string;
}
