import type { Logger } from '@pipeline/core';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RunState } from '../model/states.js';
import { QUEUE_KINDS } from '../queues/queue-names.js';
import { boundedRead } from './bounded-read.js';
import { readClusterSnapshot, type ClusterSnapshot, type ClusterSource } from './cluster-snapshot.js';
import { QUEUE_JOB_STATES } from './queue-figures.js';

/**
 * The read the cluster gauges share: the latest snapshot, or undefined when Redis failed or did
 * not answer in time (counted and logged like a failed scrape).
 */
export type ClusterReader = () => Promise<ClusterSnapshot | undefined>;

export interface ClusterMetricsOptions extends ClusterSource {
  /** How long a scrape waits for Redis; past it the gauges keep the last values read. @defaultValue 2000 */
  timeoutMs?: number;
  logger?: Logger;
}

// Every state, so that a state a pipeline has left reads 0 instead of vanishing.
const RUN_STATES = Object.keys({ queued: 0, running: 0, success: 0, failed: 0, cancelled: 0 } satisfies Record<RunState, 0>) as RunState[];

/**
 * Registers the cluster gauges, read from Redis when scraped: runs by pipeline and state, held
 * runs by pipeline, queue jobs by state, the oldest waiting job's age and live workers per
 * queue. They describe the
 * deployment, not the process, so every replica reports the same figures: aggregate with max.
 * A scrape shares one read among the gauges and waits at most `timeoutMs`; when Redis does not
 * answer in time the gauges keep their last values, `pipeline_cluster_read_failures_total` counts
 * it and `pipeline_cluster_read_timestamp_seconds` stops moving. Returns that read, so that
 * whatever else needs the figures (the CloudWatch queue-depth publisher) shares it instead of
 * reading Redis again.
 */
export function registerClusterMetrics(registry: Registry, options: ClusterMetricsOptions): ClusterReader {
  const registers = [registry];
  const failures = new Counter({
    name: 'pipeline_cluster_read_failures_total',
    help: 'Scrapes whose read of the cluster gauges from Redis failed or timed out (the gauges kept their last values)',
    registers,
    // Waits for this scrape's read, so that its failure is in this scrape's count.
    collect: async () => {
      await latest();
    },
  });
  const latest: ClusterReader = boundedRead(() => readClusterSnapshot(options), {
    timeoutMs: options.timeoutMs ?? 2000,
    // prom-client collects the gauges of one scrape at the same time: they share one read.
    freshMs: 1000,
    onFailure: (err) => {
      failures.inc();
      options.logger?.warn({ err }, 'cluster metrics not read from Redis; reporting the last values');
    },
  });
  /** A collect function that refills the gauge from a fresh snapshot, or leaves it as it was. */
  const from = <L extends string>(apply: (gauge: Gauge<L>, snapshot: ClusterSnapshot) => void) =>
    async function collect(this: Gauge<L>): Promise<void> {
      const snapshot = await latest();
      if (!snapshot) return;
      this.reset();
      apply(this, snapshot);
    };

  new Gauge({
    name: 'pipeline_cluster_read_timestamp_seconds',
    help: 'When the cluster gauges were last read from Redis (Unix time); stops moving while Redis does not answer',
    registers,
    collect: from((gauge, snapshot) => gauge.set(snapshot.readAt / 1000)),
  });
  new Gauge({
    name: 'pipeline_runs',
    help: 'Runs by pipeline and state, as the run store counts them',
    labelNames: ['pipeline', 'state'] as const,
    registers,
    collect: from<'pipeline' | 'state'>((gauge, snapshot) => {
      for (const pipeline of new Set(snapshot.runs.map((r) => r.pipelineId))) {
        for (const state of RUN_STATES) gauge.set({ pipeline, state }, 0);
      }
      for (const { pipelineId, state, count } of snapshot.runs) gauge.set({ pipeline: pipelineId, state }, count);
    }),
  });
  new Gauge({
    name: 'pipeline_runs_held',
    help: 'Runs waiting for a run slot (queued, held by schedule.maxActiveRuns), by pipeline',
    labelNames: ['pipeline'] as const,
    registers,
    collect: from<'pipeline'>((gauge, snapshot) => {
      for (const { pipelineId, count } of snapshot.held) gauge.set({ pipeline: pipelineId }, count);
    }),
  });
  new Gauge({
    name: 'pipeline_queue_jobs',
    help: 'Jobs on each queue by BullMQ state',
    labelNames: ['queue', 'state'] as const,
    registers,
    collect: from<'queue' | 'state'>((gauge, snapshot) => {
      for (const queue of QUEUE_KINDS) for (const state of QUEUE_JOB_STATES) gauge.set({ queue, state }, snapshot.queues[queue].counts[state]);
    }),
  });
  new Gauge({
    name: 'pipeline_queue_oldest_waiting_seconds',
    help: 'Age of the job that has waited longest for a worker on each queue (0 when none waits)',
    labelNames: ['queue'] as const,
    registers,
    collect: from<'queue'>((gauge, snapshot) => {
      for (const queue of QUEUE_KINDS) gauge.set({ queue }, snapshot.queues[queue].oldestWaitingSeconds);
    }),
  });
  new Gauge({
    name: 'pipeline_workers',
    help: 'Live workers taking jobs from each queue (heartbeat not expired, not shutting down)',
    labelNames: ['queue'] as const,
    registers,
    collect: from<'queue'>((gauge, snapshot) => {
      for (const queue of QUEUE_KINDS) gauge.set({ queue }, snapshot.workers[queue]);
    }),
  });
  return latest;
}
