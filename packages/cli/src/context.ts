import { createLogger, loadConfig, type Config, type ConfigInput, type Logger } from '@pipeline/core';

/** Options every command shares. */
export interface GlobalOptions {
  config?: string;
  pipelines?: string;
  logLevel?: string;
}

export interface CommandContext {
  config: Config;
  logger: Logger;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export interface CommandIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * Resolves configuration (defaults < file < environment < flags) and a logger writing JSON lines
 * to stderr. A command line is for people, so the logger stays at `warn` unless asked; the
 * long-running services pass `info`.
 */
export function commandContext(options: GlobalOptions, io: CommandIo, defaultLevel = 'warn'): CommandContext {
  const flags: ConfigInput = {};
  if (options.pipelines) flags.pipelinesDir = options.pipelines;
  if (options.logLevel) flags.logLevel = options.logLevel;
  const config = loadConfig({ env: io.env, flags, ...(options.config ? { configFile: options.config } : {}) });
  const level = options.logLevel ?? io.env.PIPELINE_LOG_LEVEL ?? defaultLevel;
  const logger = createLogger({ level, name: 'pipeline', destination: io.err as never });
  return { config, logger, out: io.out, err: io.err };
}
