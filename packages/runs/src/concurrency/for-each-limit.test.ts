import { describe, expect, it } from 'vitest';
import { forEachLimit } from './for-each-limit.js';

describe('forEachLimit', () => {
  it('visits every item once with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimit([...Array(50).keys()], 4, async (i) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      seen.push(i);
      inFlight -= 1;
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
  });

  it('does nothing for no items', async () => {
    await expect(forEachLimit([], 4, async () => undefined)).resolves.toBeUndefined();
  });
});
