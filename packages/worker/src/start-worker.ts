import { hostname } from 'node:os';
import { ConfigError, createServices, type Config, type Logger } from '@pipeline/core';
import { Orchestrator, QUEUE_KINDS, redisPrefix, type QueueKind } from '@pipeline/runs';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { subscribeToCancellations } from './cancellation.js';
import { startHeartbeat } from './heartbeat.js';
import { PhaseMetrics } from './metrics/phase-metrics.js';
import { createPhaseProcessor, type PhaseOutcome, type PhaseProcessorOptions } from './process-phase.js';
import { RunningPhases } from './running-phases.js';

export interface StartWorkerOptions {
  config: Config;
  /** Used for the run store and duplicated for BullMQ and pub/sub; the caller closes it. */
  redis: Redis;
  /** Namespace of the deployment. @defaultValue config.redis.keyPrefix */
  keyPrefix?: string;
  /** Queues to take jobs from. */
  queues: readonly QueueKind[];
  /** Jobs run at once, per queue (one number for every queue). @defaultValue 1 */
  concurrency?: number | Partial<Record<QueueKind, number>>;
  logger: Logger;
  /** Shown in run records and heartbeats. @defaultValue "<hostname>-<pid>" */
  workerId?: string;
  /** @defaultValue 10_000 */
  heartbeatMs?: number;
  /** BullMQ lock per job, renewed at half of it while the phase runs. @defaultValue 60_000 */
  lockDurationMs?: number;
  /**
   * How often BullMQ looks for jobs whose lock lapsed (their worker died) and puts them back on
   * the queue. A dead worker's phase is retried within about lockDurationMs plus twice this.
   * @defaultValue BullMQ's own (30_000)
   */
  stalledIntervalMs?: number;
  /**
   * Runs one phase's work in place of the core phase functions: the seam the queue benchmark
   * uses to measure the orchestration alone. @defaultValue the core phase functions
   */
  phaseRunner?: PhaseProcessorOptions['phaseRunner'];
  /**
   * Registry the worker's metrics go to (phase durations and outcomes, rows merged, failed
   * checks, phases running). A registry takes one worker's metrics. @defaultValue none: nothing is measured
   */
  metrics?: Registry;
}

export interface CloseOptions {
  /** How long running SQL phases may take to finish before they are stopped and handed back. @defaultValue 30_000 */
  graceMs?: number;
  /** Stop and hand back every running phase now. */
  force?: boolean;
}

/** Whether the worker is alive, for a container health check. */
export interface WorkerHealth {
  /** `stopping` once `close()` was called. */
  status: 'ok' | 'stopping';
  /** The state of its Redis connection (`ready`, `reconnecting`…): reported, not judged, since a Redis outage is not cured by replacing the worker. */
  redis: string;
  /** Phases running in this process. */
  running: number;
}

export interface PipelineWorker {
  readonly workerId: string;
  /** One BullMQ worker per queue, for events (`completed`, `failed`…). */
  readonly workers: ReadonlyMap<QueueKind, Worker<unknown, PhaseOutcome>>;
  /** BullMQ job ids of the phases running in this process. */
  running(): string[];
  health(): WorkerHealth;
  /**
   * Stops taking jobs, hands Spark waits back at once, lets SQL phases finish within the grace
   * period, then closes every connection it opened. Calling it again with `force` stops the rest.
   */
  close(options?: CloseOptions): Promise<void>;
}

const WORKER_ID = /^[A-Za-z0-9._:-]{1,200}$/;

function concurrencyOf(option: StartWorkerOptions['concurrency'], queue: QueueKind): number {
  const value = typeof option === 'number' ? option : (option?.[queue] ?? 1);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`worker concurrency for the ${queue} queue must be a whole number ≥ 1, not ${value}`, { code: 'E_WORKER_OPTIONS' });
  return value;
}

function checkOptions(options: StartWorkerOptions, workerId: string): QueueKind[] {
  const queues = [...new Set(options.queues)];
  if (queues.length === 0) throw new ConfigError(`a worker needs at least one queue (${QUEUE_KINDS.join(', ')})`, { code: 'E_WORKER_OPTIONS' });
  const unknown = queues.filter((q) => !QUEUE_KINDS.includes(q));
  if (unknown.length > 0) throw new ConfigError(`unknown queue ${unknown.join(', ')}; the queues are ${QUEUE_KINDS.join(', ')}`, { code: 'E_WORKER_OPTIONS' });
  for (const [name, value] of [['lockDurationMs', options.lockDurationMs], ['stalledIntervalMs', options.stalledIntervalMs]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new ConfigError(`worker ${name} must be a whole number of milliseconds ≥ 1, not ${value}`, { code: 'E_WORKER_OPTIONS' });
  }
  if (!WORKER_ID.test(workerId)) throw new ConfigError(`worker id "${workerId}" must be 1–200 characters of letters, digits, ".", "_", ":" and "-"`, { code: 'E_WORKER_OPTIONS' });
  return queues;
}

/** Starts BullMQ workers on the given queues; resolves once they are connected and listening for cancels. */
export async function startWorker(options: StartWorkerOptions): Promise<PipelineWorker> {
  const workerId = options.workerId ?? `${hostname()}-${process.pid}`;
  const queues = checkOptions(options, workerId);
  const concurrency = Object.fromEntries(queues.map((q) => [q, concurrencyOf(options.concurrency, q)])) as Partial<Record<QueueKind, number>>;
  const keyPrefix = options.keyPrefix ?? options.config.redis.keyPrefix;
  const logger = options.logger.child({ workerId });
  const startedAt = new Date().toISOString();

  const services = await createServices(options.config, logger);
  const orchestrator = new Orchestrator({ redis: options.redis, keyPrefix, logger });
  const running = new RunningPhases();
  const metrics = options.metrics ? new PhaseMetrics(options.metrics, running, queues) : undefined;
  const cancellation = await subscribeToCancellations({ redis: options.redis, keyPrefix, running, logger });
  // BullMQ blocks on its connection and must never give up on a command while Redis reconnects.
  const connection = options.redis.duplicate({ maxRetriesPerRequest: null });
  let status: 'running' | 'stopping' = 'running';
  const processor = createPhaseProcessor({
    orchestrator,
    services,
    running,
    workerId,
    logger,
    accepting: () => status === 'running',
    ...(options.phaseRunner ? { phaseRunner: options.phaseRunner } : {}),
    ...(metrics ? { metrics } : {}),
  });
  const workers = new Map(
    queues.map((queue) => {
      const worker = new Worker<unknown, PhaseOutcome>(queue, processor, {
        connection,
        prefix: redisPrefix(keyPrefix),
        name: workerId,
        concurrency: concurrency[queue],
        lockDuration: options.lockDurationMs ?? 60_000,
        maxStalledCount: 2,
        ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
      });
      worker.on('error', (err) => logger.error({ err, queue }, 'queue connection error'));
      return [queue, worker] as const;
    }),
  );
  await Promise.all([...workers.values()].map((w) => w.waitUntilReady()));

  const heartbeat = await startHeartbeat({
    redis: options.redis,
    keyPrefix,
    intervalMs: options.heartbeatMs ?? 10_000,
    info: () => ({ workerId, host: hostname(), pid: process.pid, queues, concurrency, startedAt, running: running.list().map((p) => p.jobId), status }),
    onError: (err) => logger.warn({ err }, 'heartbeat not written'),
  });
  logger.info({ queues, concurrency }, 'worker started');

  let closing: Promise<void> | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const stopSql = () => running.ofQueue('sql').forEach((p) => p.stop('shutdown'));

  return {
    workerId,
    workers,
    running: () => running.list().map((p) => p.jobId),
    health: () => ({ status: status === 'running' ? 'ok' : 'stopping', redis: options.redis.status, running: running.list().length }),
    close: async ({ graceMs = 30_000, force = false }: CloseOptions = {}) => {
      status = 'stopping';
      // Spark jobs run outside this process; waiting on them is all the worker does, so it stops waiting.
      running.ofQueue('spark').forEach((p) => p.release());
      if (force) stopSql();
      else graceTimer ??= setTimeout(stopSql, graceMs);
      closing ??= (async () => {
        logger.info({ running: running.list().length }, 'worker stopping');
        await heartbeat.beat().catch(() => undefined);
        await Promise.all([...workers.values()].map((w) => w.close()));
        clearTimeout(graceTimer);
        await cancellation.close();
        await heartbeat.stop();
        await orchestrator.close();
        await connection.quit();
        await services.close();
        logger.info('worker stopped');
      })();
      await closing;
    },
  };
}
