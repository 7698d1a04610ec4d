import { DEFAULT_KEY_PREFIX, redisPrefix } from '../queues/queue-names.js';

/** The run store's Redis keys, all under `{<keyPrefix>}:` so they share the queues' cluster slot. */
export interface RunKeys {
  /** `{<keyPrefix>}` */
  prefix: string;
  /** JSON RunRecord. */
  run(runId: string): string;
  /** A writer's token while it holds the run's update lock (see `RunStore.update`), with an expiry. */
  updateLock(runId: string): string;
  /** ZSET of a pipeline's run ids, scored by interval start (created time for a full refresh). */
  runs(pipelineId: string): string;
  /** SET of a pipeline's non-terminal run ids: what maxActiveRuns counts. */
  active(pipelineId: string): string;
  /** ZSET of a pipeline's held run ids (see `RunRecord.held`), scored by when each started waiting: admitted in that order. */
  held(pipelineId: string): string;
  /**
   * A pipeline's admission lock (lease, SET NX PX): held while counting its active runs and
   * starting new ones (a scheduler tick, a manual trigger), so that two of them never both take
   * the last run slot.
   */
  admissionLock(pipelineId: string): string;
  /** SET of paused pipeline ids. */
  paused: string;
  /** HASH of a pipeline's scheduling progress (`lastIntervalEnd`). */
  sched(pipelineId: string): string;
  /** STREAM of run and phase state changes, written with the records (see `runEvents`). */
  events: string;
  /** HASH of stored runs counted by `<pipelineId>:<state>`, kept in step with every write. */
  stats: string;
}

export function runKeys(keyPrefix: string = DEFAULT_KEY_PREFIX): RunKeys {
  const prefix = redisPrefix(keyPrefix);
  return {
    prefix,
    run: (runId) => `${prefix}:run:${runId}`,
    updateLock: (runId) => `${prefix}:run-lock:${runId}`,
    runs: (pipelineId) => `${prefix}:runs:${pipelineId}`,
    active: (pipelineId) => `${prefix}:active:${pipelineId}`,
    held: (pipelineId) => `${prefix}:held:${pipelineId}`,
    admissionLock: (pipelineId) => `${prefix}:sched-lock:${pipelineId}`,
    paused: `${prefix}:paused`,
    sched: (pipelineId) => `${prefix}:sched:${pipelineId}`,
    events: `${prefix}:events`,
    stats: `${prefix}:stats`,
  };
}
