import { redisPrefix } from '../queues/queue-names.js';

/**
 * Sorted set of a pipeline's waiting backfill entries (JSON), scored by interval start in ms.
 * It lives under the run store's `{<keyPrefix>}:` hash tag so that the scheduler's tick can read
 * it in the same Redis Cluster slot as the run keys.
 */
export function backfillKey(keyPrefix: string, pipelineId: string): string {
  return `${redisPrefix(keyPrefix)}:backfill:${pipelineId}`;
}
