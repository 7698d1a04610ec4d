import { describe, expect, it } from 'vitest';
import { TurnBatch, type TurnBatchLimits } from './turn-batch.js';

describe('TurnBatch', () => {
  function recordingBatch(limits: TurnBatchLimits<number> = { maxItems: 10 }) {
    const sends: number[][] = [];
    const batch = new TurnBatch<number, number>(async (items) => {
      sends.push(items);
      return items.map((i) => i * 10);
    }, limits);
    return { batch, sends };
  }

  it('sends the calls of one turn together, in order, and answers each with its own reply', async () => {
    const { batch, sends } = recordingBatch();
    expect(await Promise.all([batch.add(1), batch.add(2), batch.add(3)])).toEqual([10, 20, 30]);
    expect(sends).toEqual([[1, 2, 3]]);
  });

  it('sends calls of different turns apart, a lone call as soon as its turn ends', async () => {
    const { batch, sends } = recordingBatch();
    expect(await batch.add(1)).toBe(10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await batch.add(2)).toBe(20);
    expect(sends).toEqual([[1], [2]]);
  });

  it('gathers calls made by continuations resumed in the same turn', async () => {
    const { batch, sends } = recordingBatch();
    const ready = Promise.resolve();
    const replies = await Promise.all([1, 2, 3].map(async (i) => {
      await ready;
      return batch.add(i);
    }));
    expect(replies).toEqual([10, 20, 30]);
    expect(sends).toEqual([[1, 2, 3]]);
  });

  it('sends at most maxItems per call', async () => {
    const { batch, sends } = recordingBatch({ maxItems: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((i) => batch.add(i)))).toEqual([10, 20, 30, 40, 50]);
    expect(sends).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('sends at most maxWeight per call, in order; an item heavier than that alone', async () => {
    const { batch, sends } = recordingBatch({ maxItems: 10, maxWeight: 10, weigh: (i) => i });
    expect(await Promise.all([3, 4, 3, 12, 1, 9, 2].map((i) => batch.add(i)))).toEqual([30, 40, 30, 120, 10, 90, 20]);
    expect(sends).toEqual([[3, 4, 3], [12], [1, 9], [2]]);
  });

  it('rejects every call of a send that failed, threw, or answered the wrong number of replies', async () => {
    const failing = new TurnBatch<number, number>(async () => {
      throw new Error('connection lost');
    }, { maxItems: 10 });
    const failed = await Promise.allSettled([failing.add(1), failing.add(2)]);
    expect(failed.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['connection lost', 'connection lost']);

    const throwing = new TurnBatch<number, number>(() => {
      throw new Error('bad arguments');
    }, { maxItems: 10 });
    await expect(throwing.add(1)).rejects.toThrow('bad arguments');

    const short = new TurnBatch<number, number>(async () => [1], { maxItems: 10 });
    const answered = await Promise.allSettled([short.add(1), short.add(2)]);
    expect(answered.every((r) => r.status === 'rejected' && /2 calls got 1 replies/.test((r.reason as Error).message))).toBe(true);
  });
});
