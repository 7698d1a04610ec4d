import type { Logger } from '@pipeline/core';
import { cancelChannel } from '@pipeline/runs';
import type { Redis } from 'ioredis';
import type { RunningPhases } from './running-phases.js';

export interface CancellationOptions {
  /** Duplicated: a subscribed connection can do nothing else. */
  redis: Redis;
  keyPrefix: string;
  running: RunningPhases;
  logger: Logger;
}

/**
 * Listens on the orchestrator's cancel channel and stops this process's running phases of the
 * cancelled run. `cancelRun` has already marked the run and its phases cancelled and removed the
 * waiting jobs; what is left is work in progress, which only the process doing it can stop.
 */
export async function subscribeToCancellations(options: CancellationOptions): Promise<{ close(): Promise<void> }> {
  const subscriber = options.redis.duplicate();
  const channel = cancelChannel(options.keyPrefix);
  // A duplicate has none of the original's listeners; unhandled, ioredis prints its reconnect errors to the console.
  subscriber.on('error', (err) => options.logger.warn({ err }, 'cancel subscription: Redis connection error; reconnecting'));
  subscriber.on('message', (received: string, runId: string) => {
    if (received !== channel) return;
    for (const phase of options.running.ofRun(runId)) {
      options.logger.info({ runId, jobId: phase.jobId }, 'run cancelled: stopping its running phase');
      phase.stop('cancelled');
    }
  });
  await subscriber.subscribe(channel);
  return {
    close: async () => {
      await subscriber.quit();
    },
  };
}
