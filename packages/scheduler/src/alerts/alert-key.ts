import type { LoadPhase } from '@pipeline/core';
import { redisPrefix } from '@pipeline/runs';

/** One dead attempt of one phase: `phase_stalled` from the restart event and from the sweep share it. */
export interface StalledAttempt {
  runId: string;
  loadId: string;
  phase: LoadPhase;
  generation: number;
  attempt: number;
}

/**
 * The dedupe identities of alerts, one per state change. Event-driven alerts key on the stream
 * event id, so a run that fails again after a retry is a new alert; a missed deadline is one per
 * run; a stalled phase is one per dead attempt, whichever path sees it first.
 */
export const alertKeys = {
  runFailed: (runId: string, eventId: string) => `run_failed:${runId}:${eventId}`,
  checkFailed: (runId: string, eventId: string) => `check_failed:${runId}:${eventId}`,
  deadlineMissed: (runId: string) => `deadline_missed:${runId}`,
  phaseStalled: (a: StalledAttempt) => `phase_stalled:${a.runId}:${a.loadId}:${a.phase}:g${a.generation}:a${a.attempt}`,
};

/** `{<keyPrefix>}:alert:<key>`: the Redis key recording that an alert was sent (or dropped). */
export function alertRedisKey(keyPrefix: string, key: string): string {
  return `${redisPrefix(keyPrefix)}:alert:${key}`;
}
