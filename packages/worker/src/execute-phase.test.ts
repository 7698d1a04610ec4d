import { afterEach, describe, expect, it, vi } from 'vitest';
import { executePhase } from './execute-phase.js';
import { RunningPhase } from './running-phases.js';

/** Work that runs until its signal aborts, then rejects with the signal's reason. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

const limits = (timeoutMs: number, jobSignal?: AbortSignal) => ({ timeoutMs, jobSignal });

describe('executePhase', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns what the work returns and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const entry = new RunningPhase('job', 'run', 'sql');
    await expect(executePhase(entry, 'merge', limits(3_600_000), async () => 42)).resolves.toBe(42);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops work that outlives its time limit with a retryable timeout error', async () => {
    const entry = new RunningPhase('job', 'run', 'sql');
    const error = await executePhase(entry, 'merge', limits(30), untilAborted).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'E_PHASE_TIMEOUT', retryable: true });
  });

  it('aborts the work when the phase is stopped, with the stop as the reason', async () => {
    const entry = new RunningPhase('job', 'run', 'sql');
    const running = executePhase(entry, 'merge', limits(60_000), untilAborted);
    entry.stop('cancelled');
    await expect(running).rejects.toBe('cancelled');
    expect(entry.stopReason).toBe('cancelled');
  });

  it("aborts the work when BullMQ's signal aborts", async () => {
    const entry = new RunningPhase('job', 'run', 'spark');
    const job = new AbortController();
    const running = executePhase(entry, 'extract-transform', limits(60_000, job.signal), untilAborted);
    job.abort(new Error('lock lost'));
    await expect(running).rejects.toThrow('lock lost');
  });

  it('starts with an aborted signal when the phase was stopped before it began', async () => {
    const entry = new RunningPhase('job', 'run', 'sql');
    entry.stop('shutdown');
    let seen: AbortSignal | undefined;
    await executePhase(entry, 'merge', limits(60_000), async (signal) => {
      seen = signal;
    });
    expect(seen?.aborted).toBe(true);
  });

  it('lets go of the entry once the attempt ended: a later stop aborts nothing', async () => {
    const entry = new RunningPhase('job', 'run', 'sql');
    let seen: AbortSignal | undefined;
    await executePhase(entry, 'merge', limits(60_000), async (signal) => {
      seen = signal;
    });
    entry.stop('cancelled');
    expect(seen?.aborted).toBe(false);
  });

  it('stops waiting on a released phase without aborting its work', async () => {
    const entry = new RunningPhase('job', 'run', 'spark');
    let workSignal: AbortSignal | undefined;
    let finish!: () => void;
    const running = executePhase(entry, 'extract-transform', limits(60_000), (signal) => {
      workSignal = signal;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    entry.release();
    await expect(running).rejects.toThrow('released to another worker');
    expect(workSignal?.aborted).toBe(false);
    finish();
  });
});
