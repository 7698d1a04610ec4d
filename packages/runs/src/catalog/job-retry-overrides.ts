import { parseDuration, type LoadDefinition } from '@pipeline/core';

/** A load's own retry policy for its phase jobs; what is unset falls back to the job kind's. */
export interface JobRetryOverrides {
  attempts?: number;
  /** Base delay of the exponential backoff, in milliseconds. */
  backoffMs?: number;
}

/** The overrides a load's `retries` asks for (none when it has no `retries`). */
export function jobRetryOverrides(load: Pick<LoadDefinition, 'retries'> | undefined): JobRetryOverrides {
  const retries = load?.retries;
  if (!retries) return {};
  const seconds = retries.backoff === undefined ? undefined : parseDuration(retries.backoff);
  return {
    ...(retries.attempts !== undefined ? { attempts: retries.attempts } : {}),
    ...(seconds !== undefined ? { backoffMs: seconds * 1000 } : {}),
  };
}
