import type { Logger } from '@pipeline/core';
import type { CloseOptions, PipelineWorker } from './start-worker.js';

export interface ShutdownOptions {
  /** How long SQL phases may run on after the first signal. @defaultValue 30_000 */
  graceMs?: number;
  logger: Logger;
  /** Called once the worker is closed; the CLI sets the exit code and exits there. */
  onClosed: (outcome: { forced: boolean; error?: unknown }) => void;
}

/**
 * The worker's signal handling, for the CLI to wire to SIGTERM and SIGINT: the first signal
 * closes gracefully (no new jobs, Spark waits handed back, SQL phases given `graceMs`), a
 * second one stops and hands back whatever still runs.
 */
export function createShutdownHandler(worker: Pick<PipelineWorker, 'close'>, options: ShutdownOptions): (signal: NodeJS.Signals) => void {
  let signals = 0;
  let done = false;
  return (signal) => {
    signals += 1;
    if (done || signals > 2) return;
    const forced = signals === 2;
    options.logger.warn({ signal }, forced ? 'second signal: stopping the running phases now' : 'shutting down: finishing running SQL phases, handing Spark waits back');
    const closeOptions: CloseOptions = forced ? { force: true } : { graceMs: options.graceMs ?? 30_000 };
    const report = (error?: unknown) => {
      if (done) return;
      done = true;
      options.onClosed({ forced: signals >= 2, ...(error === undefined ? {} : { error }) });
    };
    worker.close(closeOptions).then(() => report(), report);
  };
}
