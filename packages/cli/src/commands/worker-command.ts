import { createShutdownHandler, startWorker } from '@pipeline/worker';
import { createMetricsRegistry, type QueueKind } from '@pipeline/runs';
import { commandContext, type CommandIo, type GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { startMetricsEndpoint, type ServiceHealth } from '../metrics-endpoint.js';
import { metricsListen, type MetricsFlags } from '../metrics-options.js';
import { openServiceRedis } from '../service-redis.js';
import { UsageError } from '../usage-error.js';

export interface WorkerCommandOptions extends GlobalOptions, MetricsFlags {
  queues?: string;
  concurrency?: string;
  grace?: string;
  lockDuration?: string;
  stalledInterval?: string;
}

const KINDS: readonly QueueKind[] = ['spark', 'sql'];

function parseQueues(text: string | undefined): QueueKind[] {
  const names = (text ?? 'spark,sql').split(',').map((q) => q.trim()).filter(Boolean);
  const unknown = names.filter((q) => !KINDS.includes(q as QueueKind));
  if (names.length === 0 || unknown.length > 0) throw new UsageError(`--queues "${text}": give a comma-separated list of ${KINDS.join(', ')}`);
  return [...new Set(names)] as QueueKind[];
}

function parsePositive(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`${flag} "${text}" must be a whole number from 1 to 1000`);
  return n;
}

/**
 * `pipeline worker`: runs queued phases until SIGTERM. The first signal stops taking jobs, lets
 * SQL phases finish within the grace period and hands Spark waits back to the queue (another
 * worker re-attaches); a second signal forces.
 */
export async function workerCommand(options: WorkerCommandOptions, io: CommandIo): Promise<number> {
  const queues = parseQueues(options.queues);
  const concurrency = parsePositive(options.concurrency, '--concurrency', 1);
  const graceMs = parsePositive(options.grace, '--grace', 30) * 1000;
  const lockDurationMs = parsePositive(options.lockDuration, '--lock-duration', 60) * 1000;
  const stalled = options.stalledInterval === undefined ? {} : { stalledIntervalMs: parsePositive(options.stalledInterval, '--stalled-interval', 30) * 1000 };
  const ctx = commandContext(options, io, 'info');
  const listen = metricsListen(options, ctx.config);
  // The worker's own metrics only: the cluster gauges come from the scheduler and the server,
  // not from every worker replica scraping Redis.
  const metrics = listen ? createMetricsRegistry() : undefined;
  let health: () => ServiceHealth = () => ({ status: 'starting' });
  const endpoint = listen && metrics ? await startMetricsEndpoint(metrics, { ...listen, logger: ctx.logger, health: () => health() }) : undefined;
  try {
    const redis = await openServiceRedis(ctx.config.redis.url, ctx.logger);
    const worker = await startWorker({
      config: ctx.config,
      redis,
      keyPrefix: ctx.config.redis.keyPrefix,
      queues,
      concurrency,
      logger: ctx.logger,
      lockDurationMs,
      ...stalled,
      ...(metrics ? { metrics } : {}),
    });
    health = () => ({ ...worker.health() });
    ctx.logger.info({ workerId: worker.workerId, queues, concurrency }, 'worker started');
    await new Promise<void>((resolve) => {
      const handler = createShutdownHandler(worker, { logger: ctx.logger, graceMs, onClosed: () => resolve() });
      process.on('SIGTERM', handler);
      process.on('SIGINT', handler);
    });
    await redis.quit();
  } finally {
    await endpoint?.close();
  }
  // A Spark job handed back to the queue is still a child of this process: leave without it.
  setImmediate(() => process.exit(EXIT.ok));
  return EXIT.ok;
}
