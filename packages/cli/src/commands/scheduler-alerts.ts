import { startAlertDispatcher, type AlertDispatcher } from '@pipeline/scheduler';
import type { Redis } from 'ioredis';
import type { CommandContext } from '../context.js';
import { UsageError } from '../usage-error.js';

/** `--alert-sweep <seconds>`: how often missed deadlines and dead workers are looked for. */
export function parseAlertSweep(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 3600) throw new UsageError(`--alert-sweep "${text}" must be a number of seconds from 0.1 to 3600`);
  return seconds * 1000;
}

/**
 * Starts the alert dispatcher when `PIPELINE_ALERT_WEBHOOK_URL` is set; says so either way,
 * never with the URL.
 */
export async function startSchedulerAlerts(ctx: CommandContext, redis: Redis, sweepMs: number | undefined): Promise<AlertDispatcher | undefined> {
  const { webhookUrl } = ctx.config.alerts;
  if (!webhookUrl) {
    ctx.logger.info('alerts off: set PIPELINE_ALERT_WEBHOOK_URL to send them');
    return undefined;
  }
  return startAlertDispatcher({
    redis,
    keyPrefix: ctx.config.redis.keyPrefix,
    logger: ctx.logger,
    webhookUrl,
    ...(ctx.config.dashboardUrl ? { dashboardUrl: ctx.config.dashboardUrl } : {}),
    ...(sweepMs === undefined ? {} : { sweepMs }),
  });
}
