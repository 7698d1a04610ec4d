import { Orchestrator } from '@pipeline/runs';
import type { Redis } from 'ioredis';
import { commandContext, type CommandContext, type CommandIo, type GlobalOptions } from './context.js';
import { openRedis } from './redis-connection.js';

/** A command context with a Redis connection and an orchestrator, closed by `withOrchestrator`. */
export interface RunsContext extends CommandContext {
  redis: Redis;
  orchestrator: Orchestrator;
}

export async function withOrchestrator<T>(options: GlobalOptions, io: CommandIo, work: (ctx: RunsContext) => Promise<T>): Promise<T> {
  const ctx = commandContext(options, io);
  const redis = await openRedis(ctx.config.redis.url);
  const orchestrator = new Orchestrator({ redis, keyPrefix: ctx.config.redis.keyPrefix, logger: ctx.logger });
  try {
    return await work({ ...ctx, redis, orchestrator });
  } finally {
    await orchestrator.close();
    redis.disconnect();
  }
}
