import { DEFAULTS, type Config, type Logger, type PipelineDefinition } from '@pipeline/core';
import { BackfillQueue, DefinitionSet, Orchestrator, registerClusterMetrics, SCHEDULE_LAST_END_FIELD } from '@pipeline/runs';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { startQueueDepthPublisher, type QueueDepthPublisherOptions } from '../metrics/cloudwatch-publisher.js';
import { SchedulerMetrics } from '../metrics/scheduler-metrics.js';
import { TickLocks } from './pipeline-lock.js';
import { admitUnscheduledHeld, type UnscheduledAdmission } from './admit-unscheduled-held.js';
import { claimHousekeeping, pruneRuns, type RetentionContext } from './prune-expired-runs.js';
import { tickPipelines, type PipelineTickResult, type TickContext } from './tick-pipeline.js';

export interface SchedulerOptions {
  /**
   * `pipelinesDir` is watched: definitions are reread when a file's modification time changes.
   * Finished runs older than `retentionDays` are pruned, at most once an hour per deployment.
   */
  config: Pick<Config, 'pipelinesDir'> & Partial<Pick<Config, 'retentionDays'>>;
  /** Used for run state, the scheduler's own keys and the queues; the caller closes it. */
  redis: Redis;
  /** @defaultValue "pipeline" */
  keyPrefix?: string;
  logger: Logger;
  /** Pause between the end of one tick and the start of the next. @defaultValue 5000 */
  tickMs?: number;
  /** The clock intervals are computed against. @defaultValue () => new Date() */
  now?: () => Date;
  /** Lease of the per-pipeline lock a tick holds while creating runs. @defaultValue 30000 */
  leaseMs?: number;
  /** Pipelines ticked at once. @defaultValue 64 */
  concurrency?: number;
  /** Due pipelines whose locks are taken and given back in one round trip. @defaultValue 256 */
  lockBatchSize?: number;
  /** How long without a tick ending before `health()` says `stalled`. @defaultValue twice `tickMs` plus two minutes */
  stallAfterMs?: number;
  /** Called after every tick, automatic or through `tick()`. */
  onTick?: (report: TickReport) => void;
  /**
   * Registry that gets the scheduler's metrics (ticks, tick time, runs created, lock contention)
   * and the cluster gauges read from Redis on scrape. @defaultValue none: nothing is measured
   */
  metrics?: Registry;
  /**
   * Publishes the queue-depth metric to this CloudWatch namespace every `intervalMs`, from the
   * same read as the cluster gauges; stopped with the scheduler. @defaultValue none: nothing is published
   */
  cloudwatch?: Pick<QueueDepthPublisherOptions, 'namespace' | 'region' | 'client' | 'intervalMs' | 'timeoutMs' | 'warnEveryMs'>;
}

export interface TickReport {
  now: Date;
  pipelines: PipelineTickResult[];
  /** Pipelines whose tick failed; they are tried again on the next tick. */
  errors: { pipelineId: string; error: unknown }[];
  /**
   * Runs deleted by retention in this tick; undefined when another tick or replica pruned within
   * the hour, or when pruning failed (logged, tried again an hour later).
   */
  pruned?: number;
  /**
   * Pipelines with held runs that no tick looks at (no definition, or no schedule), given their
   * free run slots by this tick's hourly housekeeping (see `admitUnscheduledHeld`); undefined when
   * it was another tick's or replica's turn, or when the pass failed.
   */
  unscheduledAdmitted?: UnscheduledAdmission[];
}

/** Whether the scheduler's loop is alive, for a container health check. */
export interface SchedulerHealth {
  /** `stalled`: no tick has ended for a while (a tick hangs); `stopped` once `stop()` was called. */
  status: 'ok' | 'stalled' | 'stopped';
  /** When the last tick ended, successful or not (ISO); undefined before the first. */
  lastTickAt?: string;
}

export interface Scheduler {
  /** Runs one tick now, after any tick in progress; resolves with what it did. */
  tick(): Promise<TickReport>;
  /**
   * `ok` while ticks keep ending. A tick that fails (Redis away, say) still ends and counts;
   * none ending within `stallAfterMs` makes it `stalled`.
   */
  health(): SchedulerHealth;
  /** Stops ticking, waits for a tick in progress, closes the queues it opened. */
  stop(): Promise<void>;
}

/**
 * Starts ticking at once and every `tickMs` after. Each tick rereads changed definitions and,
 * for every scheduled pipeline that is not paused, creates the runs that are due (see
 * `tickPipelines`). Any number of replicas may run against the same Redis and key prefix.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { redis, logger, tickMs = 5000, now = () => new Date(), leaseMs = 30_000, onTick, concurrency = 64, lockBatchSize = 256 } = options;
  const keyPrefix = options.keyPrefix ?? 'pipeline';
  const definitions = new DefinitionSet(options.config.pipelinesDir, logger);
  const orchestrator = new Orchestrator({ redis, keyPrefix, logger, now });
  const metrics = options.metrics ? new SchedulerMetrics(options.metrics) : undefined;
  // Without a served registry the publisher still reads through the collector, into a registry nobody scrapes.
  const cluster =
    options.metrics || options.cloudwatch
      ? registerClusterMetrics(options.metrics ?? new Registry(), { redis, keyPrefix, store: orchestrator.store, queue: (kind) => orchestrator.queue(kind), logger })
      : undefined;
  const publisher = options.cloudwatch && cluster ? startQueueDepthPublisher({ ...options.cloudwatch, keyPrefix, read: cluster, logger }) : undefined;
  const ctx: TickContext = {
    redis,
    keyPrefix,
    logger,
    orchestrator,
    backfills: new BackfillQueue(redis, keyPrefix),
    locks: new TickLocks(redis, leaseMs, SCHEDULE_LAST_END_FIELD),
    ...(metrics ? { metrics } : {}),
  };
  const retention: RetentionContext = {
    redis,
    keyPrefix,
    store: orchestrator.store,
    retentionDays: options.config.retentionDays ?? DEFAULTS.retentionDays,
    logger,
  };

  /**
   * The deployment's hourly housekeeping, in the one tick (of any replica) that claims it:
   * retention, then the held runs of pipelines no tick looks at. Each step's failure is logged
   * and left to the next turn, an hour later.
   */
  async function housekeeping(at: Date, ticked: readonly PipelineDefinition[], report: TickReport): Promise<void> {
    try {
      if (!(await claimHousekeeping(retention, at))) return;
    } catch (err) {
      logger.error({ err }, 'hourly housekeeping not claimed; tried again next tick');
      return;
    }
    try {
      report.pruned = await pruneRuns(retention, at);
    } catch (err) {
      logger.error({ err }, 'pruning runs past retention failed; tried again when the hourly guard expires');
    }
    try {
      report.unscheduledAdmitted = await admitUnscheduledHeld(orchestrator, new Set(ticked.map((p) => p.id)), logger);
    } catch (err) {
      logger.error({ err }, 'held runs of pipelines no tick looks at not admitted; tried again when the hourly guard expires');
    }
  }

  async function runTick(): Promise<TickReport> {
    const at = now();
    const report: TickReport = { now: at, pipelines: [], errors: [] };
    const pipelines = (await definitions.refresh()).filter((p) => p.schedule !== undefined);
    await tickPipelines(ctx, pipelines, at, { concurrency, batchSize: lockBatchSize }, report);
    await housekeeping(at, pipelines, report);
    onTick?.(report);
    return report;
  }

  let chain: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Wall-clock times, whatever clock the intervals are computed against.
  const startedAt = Date.now();
  let lastTickAt: number | undefined;
  const stallAfterMs = options.stallAfterMs ?? 2 * tickMs + 120_000;

  function tick(): Promise<TickReport> {
    const next = chain.then(metrics ? () => metrics.timeTick(runTick) : runTick).finally(() => (lastTickAt = Date.now()));
    chain = next.catch(() => undefined);
    return next;
  }

  async function loop(): Promise<void> {
    try {
      await tick();
    } catch (err) {
      logger.error({ err }, 'scheduler tick failed; trying again next tick');
    }
    if (!stopped) timer = setTimeout(() => void loop(), tickMs);
  }

  timer = setTimeout(() => void loop(), 0);
  logger.info({ pipelinesDir: options.config.pipelinesDir, keyPrefix, tickMs, retentionDays: retention.retentionDays }, 'scheduler started');

  return {
    tick,
    health() {
      const last = lastTickAt === undefined ? {} : { lastTickAt: new Date(lastTickAt).toISOString() };
      if (stopped) return { status: 'stopped', ...last };
      return { status: Date.now() - (lastTickAt ?? startedAt) > stallAfterMs ? 'stalled' : 'ok', ...last };
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([chain, publisher?.stop()]);
      await orchestrator.close();
      logger.info('scheduler stopped');
    },
  };
}
