import { setTimeout as sleep } from 'node:timers/promises';

export interface PollInterval {
  /** First wait between two status requests. @defaultValue 5_000 */
  initialMs?: number;
  /** Longest wait: a long job is polled this often. @defaultValue 60_000 */
  maxMs?: number;
  /** Growth per poll. @defaultValue 1.5 */
  factor?: number;
  /**
   * Share of each wait drawn at random (0–1), so many workers polling the same service spread
   * out instead of calling in step. @defaultValue 0.2
   */
  jitter?: number;
}

/** The wait before poll number `n` (0-based): exponential up to `maxMs`, less up to `jitter` of it. */
export function pollDelay(n: number, interval: PollInterval = {}, random: () => number = Math.random): number {
  const initial = interval.initialMs ?? 5_000;
  const max = Math.max(initial, interval.maxMs ?? 60_000);
  const base = Math.min(max, initial * (interval.factor ?? 1.5) ** n);
  return Math.round(base * (1 - (interval.jitter ?? 0.2) * random()));
}

/** Waits `ms`; resolves early (without throwing) when `signal` aborts, so the caller can clean up. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  await sleep(ms, undefined, signal ? { signal } : {}).catch((err: unknown) => {
    if (!signal?.aborted) throw err;
  });
}
