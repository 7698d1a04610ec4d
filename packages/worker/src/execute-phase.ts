import type { LoadPhase } from '@pipeline/core';
import { PhaseTimeoutError } from './errors/phase-timeout-error.js';
import type { RunningPhase } from './running-phases.js';

/**
 * Runs `work` with one signal that aborts on cancel or shutdown (`entry.stop`), on BullMQ's
 * own signal, and after the attempt's time limit, which becomes a retryable PhaseTimeoutError.
 * Stops waiting, without aborting the work, when the entry is released: the external job goes
 * on and the next attempt reconnects to it.
 *
 * The time limit is a timer cleared when the attempt ends (limits run to hours, and a worker
 * runs thousands of phases an hour), and the stop, release and BullMQ listeners are removed at
 * the end, so nothing of a finished attempt outlives it.
 */
export async function executePhase<T>(
  entry: RunningPhase,
  phase: LoadPhase,
  limits: { timeoutMs: number; jobSignal: AbortSignal | undefined },
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new PhaseTimeoutError(phase, limits.timeoutMs));
  }, limits.timeoutMs);
  const offStop = entry.onStop((reason) => controller.abort(reason));
  const { jobSignal } = limits;
  const forwardJobAbort = () => controller.abort(jobSignal!.reason);
  if (jobSignal?.aborted) controller.abort(jobSignal.reason);
  else jobSignal?.addEventListener('abort', forwardJobAbort, { once: true });
  let offRelease: (() => void) | undefined;
  const released = new Promise<never>((_, reject) => {
    offRelease = entry.onRelease(() => reject(new Error('released to another worker')));
  });
  const running = work(controller.signal);
  // After a release nobody awaits the work any more; its outcome is the next attempt's to find.
  running.catch(() => undefined);
  released.catch(() => undefined);
  try {
    return await Promise.race([running, released]);
  } catch (err) {
    if (timedOut && entry.stopReason === undefined) throw new PhaseTimeoutError(phase, limits.timeoutMs, { cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
    offStop();
    jobSignal?.removeEventListener('abort', forwardJobAbort);
    offRelease!();
  }
}
