import { RunIdError } from '../errors/run-id-error.js';

/** The characters core's run ids use: safe as a directory name and inside a BullMQ job id (no ":"). */
export const RUN_ID_PATTERN = /^[a-z0-9._-]{1,200}$/;

export function assertRunId(runId: string): void {
  if (!RUN_ID_PATTERN.test(runId)) throw new RunIdError(runId);
}
