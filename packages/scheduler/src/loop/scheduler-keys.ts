import { runKeys } from '@pipeline/runs';

/**
 * Redis keys the scheduler owns, under the run store's `{<keyPrefix>}:` hash tag so that all of
 * a deployment's keys share one Redis Cluster slot. The scheduled series' progress lives in the
 * run store's `sched:<pipelineId>` hash; waiting backfills in the runs library's `backfillKey`.
 */
export function schedulerKeys(keyPrefix: string, pipelineId: string) {
  return {
    /** Lease lock held by the replica ticking this pipeline: the run store's admission lock, which manual triggers take too. */
    lock: runKeys(keyPrefix).admissionLock(pipelineId),
  };
}

/**
 * Held (NX, with an expiry) by the replica that pruned expired runs, so that the deployment
 * prunes at most once per expiry however many replicas tick.
 */
export function retentionGuardKey(keyPrefix: string): string {
  return `{${keyPrefix}}:sched-retention`;
}
