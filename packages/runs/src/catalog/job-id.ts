import type { JobPayload } from './job-payload.js';

/**
 * `<runId>__<loadId>__<phase>__g<generation>`. Deterministic, so adding the same phase twice
 * is a no-op in BullMQ; the generation gives a retried phase a fresh job. BullMQ forbids ":".
 */
export function jobId(payload: JobPayload): string {
  return `${payload.runId}__${payload.loadId}__${payload.phase}__g${payload.generation}`;
}
