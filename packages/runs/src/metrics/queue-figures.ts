import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** The job states the queue gauges report, as BullMQ names them. */
export const QUEUE_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];

/** What one queue looks like to a scrape. */
export interface QueueFigures {
  counts: Record<QueueJobState, number>;
  /** How long the job that has waited longest for a worker has waited; 0 when none waits. */
  oldestWaitingSeconds: number;
}

// BullMQ scores a delayed job with its due time in milliseconds × 4096, plus a sequence number.
const DELAYED_SCORE_FACTOR = 0x1000;

/** Job counts and the oldest waiting job's age: three or four Redis calls, whatever the queue's length. */
export async function readQueueFigures(queue: Queue, redis: Redis, now: number): Promise<QueueFigures> {
  const [counts, oldestWaitingSeconds] = await Promise.all([queue.getJobCounts(...QUEUE_JOB_STATES), oldestWaiting(queue, redis, now)]);
  const byState = Object.fromEntries(QUEUE_JOB_STATES.map((state) => [state, counts[state] ?? 0])) as Record<QueueJobState, number>;
  return { counts: byState, oldestWaitingSeconds };
}

/**
 * The oldest of: the job at the tail of the wait list (BullMQ pushes jobs on the left and workers
 * take them from the right), and the first delayed job when its time has come but nothing has
 * moved it to the wait list yet (workers do that; with none running, nothing does). A job waits
 * from when it was added or, when it was attempted before, from when its last attempt started:
 * BullMQ keeps no time for a job's return to the queue, so a retried job's age includes its
 * previous attempt.
 */
async function oldestWaiting(queue: Queue, redis: Redis, now: number): Promise<number> {
  const replies = (await redis.pipeline().lindex(queue.keys.wait!, -1).zrange(queue.keys.delayed!, 0, 0, 'WITHSCORES').exec()) ?? [];
  for (const [err] of replies) if (err) throw err;
  const tail = replies[0]?.[1] as string | null;
  const [, firstScore] = (replies[1]?.[1] as string[] | undefined) ?? [];
  let since = now;
  if (tail) {
    const [timestamp, processedOn] = await redis.hmget(queue.toKey(tail), 'timestamp', 'processedOn');
    const added = Number(timestamp);
    if (added > 0) since = Math.min(since, Math.max(added, Number(processedOn) || 0));
  }
  if (firstScore !== undefined) {
    const due = Math.floor(Number(firstScore) / DELAYED_SCORE_FACTOR);
    if (due <= now) since = Math.min(since, due);
  }
  return (now - since) / 1000;
}
