import { describe, expect, it } from 'vitest';
import { pause, pollDelay } from './poll-backoff.js';

describe('pollDelay', () => {
  it('grows by the factor up to the maximum', () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 10].map((n) => pollDelay(n, { initialMs: 1_000, maxMs: 3_000, factor: 2 }, none))).toEqual([1_000, 2_000, 3_000, 3_000, 3_000]);
  });

  it('takes off up to the jitter share at random', () => {
    expect(pollDelay(0, { initialMs: 1_000, jitter: 0.2 }, () => 0.999)).toBe(800);
    expect(pollDelay(0, { initialMs: 1_000, jitter: 0.2 }, () => 0.5)).toBe(900);
    const spread = new Set(Array.from({ length: 50 }, () => pollDelay(2, { initialMs: 1_000 })));
    expect(spread.size).toBeGreaterThan(1);
    expect([...spread].every((ms) => ms >= 1_800 && ms <= 2_250)).toBe(true);
  });
});

describe('pause', () => {
  it('returns early, without throwing, when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await pause(10_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
