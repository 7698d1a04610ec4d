import type { LoadPhase } from '@pipeline/core';
import type { PhaseState } from './states.js';

/** What a phase failed with: the error's stable code and its message. */
export interface PhaseErrorInfo {
  code: string;
  message: string;
  /**
   * What the failing service said besides the message, for the run page: EMR's FailureDetails
   * (reason, message, log file) and the job's S3 log folder.
   */
  details?: { reason?: string; message?: string; logFile?: string; logUri?: string };
  /** The checks that failed, when the phase failed on its data checks (audit or validate). */
  checks?: FailedCheckInfo[];
}

/** One failed data check, as the run page and alerts show it. */
export interface FailedCheckInfo {
  name: string;
  /** The measured value: failing rows, a row count, an age in seconds. */
  observed: number | string | null;
  stage: 'staging' | 'final';
}

/** One phase of one load of a run. */
export interface PhaseRecord {
  loadId: string;
  phase: LoadPhase;
  state: PhaseState;
  /** Executions started (BullMQ attempts + manual retries). */
  attempts: number;
  /** Bumped by `retryRun`; part of the BullMQ job id, so a retried phase gets a fresh job. */
  generation: number;
  queuedAt?: string;
  startedAt?: string;
  endedAt?: string;
  /** `local:<hostname>:<pid>`, an EMR step id or a statement id: stored BEFORE the worker waits on it. */
  externalId?: string;
  /** The phase function's JSON result. */
  result?: unknown;
  error?: PhaseErrorInfo;
  /** Id of the worker that ran the latest attempt. */
  worker?: string;
}
