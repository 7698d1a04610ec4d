import { assertServable, startServer } from '@pipeline/server';
import { commandContext, type CommandIo, type GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { firstSignal, openServiceRedis } from '../service-redis.js';
import { UsageError } from '../usage-error.js';

export interface ServeCommandOptions extends GlobalOptions {
  host?: string;
  port?: string;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 8080;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new UsageError(`--port "${text}" must be a port number from 1 to 65535`);
  return port;
}

/**
 * `pipeline serve`: the HTTP API until SIGINT or SIGTERM, which stop taking requests and let
 * those in flight finish. Without PIPELINE_API_TOKEN it serves loopback only.
 */
export async function serveCommand(options: ServeCommandOptions, io: CommandIo): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const port = parsePort(options.port);
  const ctx = commandContext(options, io, 'info');
  const token = ctx.config.api.token;
  assertServable(host, token);
  // Listening from the start, so a SIGTERM during start-up closes the server cleanly once it is up.
  const stopSignal = firstSignal(ctx.logger);
  const redis = await openServiceRedis(ctx.config.redis.url, ctx.logger);
  try {
    const server = await startServer({ config: ctx.config, redis, keyPrefix: ctx.config.redis.keyPrefix, logger: ctx.logger, host, port, ...(token ? { token } : {}) });
    ctx.out.write(`${server.url}\n`);
    await stopSignal;
    await server.close();
  } finally {
    await redis.quit();
  }
  return EXIT.ok;
}
