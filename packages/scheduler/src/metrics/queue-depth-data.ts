import type { MetricDatum } from '@aws-sdk/client-cloudwatch';
import { QUEUE_KINDS, type ClusterSnapshot } from '@pipeline/runs';

/** The metric the Fargate workers scale on; infra builds its alarms on the same name. */
export const QUEUE_DEPTH_METRIC = 'QueueDepth';

/**
 * One datum per queue: the jobs waiting for a worker, the same figure as the Prometheus gauges
 * `pipeline_queue_jobs{state="waiting"}` plus `{state="prioritized"}` (BullMQ keeps jobs with a
 * priority in a list of their own). Delayed jobs are not counted: no worker could take them yet,
 * and scaling out for a retry's backoff would only add idle tasks. Stamped with the time the
 * figures were read, not the time they were sent.
 */
export function queueDepthData(snapshot: ClusterSnapshot, keyPrefix: string): MetricDatum[] {
  return QUEUE_KINDS.map((queue) => {
    const { counts } = snapshot.queues[queue];
    return {
      MetricName: QUEUE_DEPTH_METRIC,
      Dimensions: [
        { Name: 'keyPrefix', Value: keyPrefix },
        { Name: 'queue', Value: queue },
      ],
      Unit: 'Count',
      Value: counts.waiting + counts.prioritized,
      Timestamp: new Date(snapshot.readAt),
    };
  });
}
