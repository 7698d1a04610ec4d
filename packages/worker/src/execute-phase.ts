import type { LoadPhase } from '@pipeline/core';
import { PhaseTimeoutError } from './errors/phase-timeout-error.js';
import type { RunningPhase } from './running-phases.js';

/**
 * Runs `work` with one signal that aborts on cancel or shutdown (`entry.signal`), on BullMQ's
 * own signal, and after the attempt's time limit, which becomes a retryable PhaseTimeoutError.
 * Stops waiting, without aborting the work, when the entry is released: the external job goes
 * on and the next attempt reconnects to it.
 */
export async function executePhase<T>(
  entry: RunningPhase,
  phase: LoadPhase,
  limits: { timeoutMs: number; jobSignal: AbortSignal | undefined },
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = AbortSignal.any([entry.signal, timeout, ...(limits.jobSignal ? [limits.jobSignal] : [])]);
  const running = work(signal);
  // After a release nobody awaits the work any more; its outcome is the next attempt's to find.
  running.catch(() => undefined);
  const released = new Promise<never>((_, reject) => {
    entry.released.addEventListener('abort', () => reject(new Error('released to another worker')), { once: true });
  });
  try {
    return await Promise.race([running, released]);
  } catch (err) {
    if (timeout.aborted && !entry.signal.aborted) throw new PhaseTimeoutError(phase, limits.timeoutMs, { cause: err });
    throw err;
  }
}
