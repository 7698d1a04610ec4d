import { loadPipeline } from '@pipeline/core';
import { backfill, createMetricsRegistry, parseInterval, type Reprocess } from '@pipeline/runs';
import { startScheduler } from '@pipeline/scheduler';
import { commandContext, type CommandIo, type GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { startMetricsEndpoint, type ServiceHealth } from '../metrics-endpoint.js';
import { metricsListen, type MetricsFlags } from '../metrics-options.js';
import { withOrchestrator } from '../orchestrator-context.js';
import { firstSignal, openServiceRedis } from '../service-redis.js';
import { UsageError } from '../usage-error.js';
import { parseAlertSweep, startSchedulerAlerts } from './scheduler-alerts.js';

export interface SchedulerCommandOptions extends GlobalOptions, MetricsFlags {
  tick?: string;
  alertSweep?: string;
}

/** `pipeline scheduler`: creates due runs until SIGTERM. Any number of replicas may run. */
export async function schedulerCommand(options: SchedulerCommandOptions, io: CommandIo): Promise<number> {
  const tickMs = options.tick === undefined ? 5000 : Number(options.tick) * 1000;
  if (!Number.isFinite(tickMs) || tickMs < 100) throw new UsageError(`--tick "${options.tick}" must be a number of seconds, at least 0.1`);
  const alertSweepMs = parseAlertSweep(options.alertSweep);
  const ctx = commandContext(options, io, 'info');
  const listen = metricsListen(options, ctx.config);
  // Listening from the start: a SIGTERM that arrives while the scheduler starts up stops it
  // cleanly once it is up, instead of killing it half-started.
  const stopSignal = firstSignal(ctx.logger);
  const metrics = listen ? createMetricsRegistry() : undefined;
  let health: () => ServiceHealth = () => ({ status: 'starting' });
  const endpoint = listen && metrics ? await startMetricsEndpoint(metrics, { ...listen, logger: ctx.logger, health: () => health() }) : undefined;
  try {
    const redis = await openServiceRedis(ctx.config.redis.url, ctx.logger);
    const namespace = ctx.config.metrics.cloudwatchNamespace;
    if (!namespace) ctx.logger.info('queue depth not published to CloudWatch: set PIPELINE_CLOUDWATCH_NAMESPACE to publish it');
    const cloudwatch = namespace ? { namespace, ...(ctx.config.region ? { region: ctx.config.region } : {}) } : undefined;
    const scheduler = startScheduler({
      config: ctx.config,
      redis,
      keyPrefix: ctx.config.redis.keyPrefix,
      logger: ctx.logger,
      tickMs,
      ...(metrics ? { metrics } : {}),
      ...(cloudwatch ? { cloudwatch } : {}),
    });
    health = () => ({ ...scheduler.health() });
    ctx.logger.info({ pipelinesDir: ctx.config.pipelinesDir, tickMs }, 'scheduler started');
    const alerts = await startSchedulerAlerts(ctx, redis, alertSweepMs);
    await stopSignal;
    await alerts?.stop();
    await scheduler.stop();
    await redis.quit();
  } finally {
    await endpoint?.close();
  }
  return EXIT.ok;
}

export interface BackfillCommandOptions extends GlobalOptions {
  from?: string;
  to?: string;
  reprocess?: Reprocess;
}

/** `pipeline backfill <id> --from --to`: queues every interval in the range; scheduler ticks create the runs within maxActiveRuns. */
export async function backfillCommand(pipelineId: string, options: BackfillCommandOptions, io: CommandIo): Promise<number> {
  if (!options.from || !options.to) throw new UsageError('backfill needs --from and --to');
  const range = parseInterval(options.from, options.to, { start: '--from', end: '--to' });
  return withOrchestrator(options, io, async (ctx) => {
    const { definition } = await loadPipeline(ctx.config.pipelinesDir, pipelineId);
    const result = await backfill({
      redis: ctx.redis,
      keyPrefix: ctx.config.redis.keyPrefix,
      pipeline: definition,
      from: range!.start,
      to: range!.end,
      reprocess: options.reprocess ?? 'none',
    });
    ctx.out.write(`${result.queued.length} interval(s) queued for ${pipelineId}, ${result.skipped.length} skipped; running schedulers create the runs oldest first within maxActiveRuns\n`);
    for (const s of result.skipped) ctx.out.write(`  skipped ${JSON.stringify(s)}\n`);
    return EXIT.ok;
  });
}
