import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunState } from '../model/states.js';
import { QUEUE_KINDS, type QueueKind } from '../queues/queue-names.js';
import type { RunStore } from '../store/run-store.js';
import { listWorkers } from '../workers/list-workers.js';
import { readQueueFigures, type QueueFigures } from './queue-figures.js';

/** Where the cluster figures are read from: an Orchestrator and its connection fit. */
export interface ClusterSource {
  redis: Redis;
  keyPrefix: string;
  store: Pick<RunStore, 'countsByState' | 'heldCounts'>;
  queue(kind: QueueKind): Queue;
}

/** The deployment's state as every replica sees it: the same figures from each. */
export interface ClusterSnapshot {
  /** When it was read (ms since the epoch). */
  readAt: number;
  runs: Array<{ pipelineId: string; state: RunState; count: number }>;
  /** Runs held for a run slot, per pipeline that has runs (0 included). */
  held: Array<{ pipelineId: string; count: number }>;
  queues: Record<QueueKind, QueueFigures>;
  /** Live workers taking jobs from each queue (a worker shutting down takes none). */
  workers: Record<QueueKind, number>;
}

export async function readClusterSnapshot(source: ClusterSource, now: number = Date.now()): Promise<ClusterSnapshot> {
  const [[runs, held], figures, live] = await Promise.all([
    runsAndHeld(source.store),
    Promise.all(QUEUE_KINDS.map((kind) => readQueueFigures(source.queue(kind), source.redis, now))),
    listWorkers(source.redis, source.keyPrefix),
  ]);
  const queues = Object.fromEntries(QUEUE_KINDS.map((kind, i) => [kind, figures[i]!])) as Record<QueueKind, QueueFigures>;
  const workers = Object.fromEntries(
    QUEUE_KINDS.map((kind) => [kind, live.filter((w) => w.status === 'running' && w.queues.includes(kind)).length]),
  ) as Record<QueueKind, number>;
  return { readAt: now, runs, held, queues, workers };
}

/** Runs by pipeline and state, then the held runs of every pipeline that has runs (a held run is a stored, queued one). */
async function runsAndHeld(store: ClusterSource['store']): Promise<[ClusterSnapshot['runs'], ClusterSnapshot['held']]> {
  const runs = await store.countsByState();
  const pipelineIds = [...new Set(runs.map((r) => r.pipelineId))];
  const counts = await store.heldCounts(pipelineIds);
  return [runs, pipelineIds.map((pipelineId, i) => ({ pipelineId, count: counts[i]! }))];
}
