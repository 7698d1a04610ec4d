/**
 * The wait before the next poll (or retry) number `attempt` (0-based): `initialMs` doubled each
 * time and capped at `maxMs`, then drawn from its upper half so that many waiters do not poll
 * in step.
 */
export function pollDelay(attempt: number, interval: { initialMs: number; maxMs: number }, random: () => number = Math.random): number {
  const base = Math.min(interval.maxMs, interval.initialMs * 2 ** Math.min(attempt, 30));
  return base / 2 + random() * (base / 2);
}
