import { redisPrefix, type QueueKind } from '../queues/queue-names.js';

/** What a worker says about itself in its heartbeat key. */
export interface WorkerInfo {
  workerId: string;
  host: string;
  pid: number;
  queues: QueueKind[];
  concurrency: Partial<Record<QueueKind, number>>;
  startedAt: string;
  /** When the heartbeat was last written. */
  seenAt: string;
  /** BullMQ job ids of the phases it is running. */
  running: string[];
  /** `stopping` once shutdown began: it takes no new jobs. */
  status: 'running' | 'stopping';
}

/** `{<keyPrefix>}:worker:<workerId>`, beside the queues in the deployment's cluster slot. */
export function workerKey(keyPrefix: string, workerId: string): string {
  return `${redisPrefix(keyPrefix)}:worker:${workerId}`;
}
