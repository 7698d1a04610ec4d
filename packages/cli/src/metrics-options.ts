import type { Config } from '@pipeline/core';
import { UsageError } from './usage-error.js';

/** The flags of the services that can serve their metrics. */
export interface MetricsFlags {
  metricsPort?: string;
  metricsHost?: string;
}

/**
 * Where to serve `/metrics`: `--metrics-port` / `--metrics-host`, else PIPELINE_METRICS_PORT /
 * PIPELINE_METRICS_HOST (or the config file), host 127.0.0.1 by default like `pipeline serve`.
 * Undefined, metrics off, when no port is given.
 */
export function metricsListen(flags: MetricsFlags, config: Pick<Config, 'metricsPort' | 'metricsHost'>): { host: string; port: number } | undefined {
  let port = config.metricsPort;
  if (flags.metricsPort !== undefined) {
    port = Number(flags.metricsPort);
    if (!/^\d+$/.test(flags.metricsPort) || port > 65535) throw new UsageError(`--metrics-port "${flags.metricsPort}" must be a port number from 0 (any free port) to 65535`);
  }
  if (flags.metricsHost !== undefined && flags.metricsHost.trim() === '') throw new UsageError('--metrics-host needs an address, such as 127.0.0.1 or 0.0.0.0');
  if (port === undefined) {
    if (flags.metricsHost !== undefined) throw new UsageError('--metrics-host needs --metrics-port (or PIPELINE_METRICS_PORT): metrics are off without a port');
    return undefined;
  }
  return { host: flags.metricsHost ?? config.metricsHost, port };
}
