import type { PipelineDefinition } from '@pipeline/core';
import { describe, expect, it } from 'vitest';
import { BackfillError } from '../errors/backfill-error.js';
import { backfillIntervals, MAX_BACKFILL_INTERVALS } from './backfill-intervals.js';

const pipeline = (schedule?: PipelineDefinition['schedule']) => ({ id: 'p', params: {}, loads: [], schedule }) as unknown as PipelineDefinition;
const daily = pipeline({ cron: '0 0 * * *', timezone: 'UTC', catchup: false, maxActiveRuns: 1, start: '2026-06-01T00:00:00Z', end: '2026-06-02T00:00:00Z' });
const now = new Date('2026-03-01T00:00:00Z');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof BackfillError) return err.code;
    throw err;
  }
  return undefined;
}

describe('backfillIntervals', () => {
  it('lists the complete intervals starting in [from, to), ignoring schedule.start and end', () => {
    const list = backfillIntervals(daily, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-04T00:00:00Z'), now);
    expect(list.map((i) => i.start.toISOString())).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']);
  });

  it('leaves out intervals that have not ended yet', () => {
    expect(backfillIntervals(daily, new Date('2026-02-27T00:00:00Z'), new Date('2026-03-05T00:00:00Z'), now)).toHaveLength(2);
  });

  it('refuses a pipeline without a schedule, an empty or reversed range, and a range too long', () => {
    expect(codeOf(() => backfillIntervals(pipeline(), new Date('2026-01-01'), new Date('2026-01-02'), now))).toBe('E_BACKFILL_NO_SCHEDULE');
    expect(codeOf(() => backfillIntervals(daily, new Date('2026-01-02'), new Date('2026-01-02'), now))).toBe('E_BACKFILL_RANGE');
    expect(codeOf(() => backfillIntervals(daily, new Date('nope'), new Date('2026-01-02'), now))).toBe('E_BACKFILL_RANGE');
    const minutely = pipeline({ cron: '* * * * *', timezone: 'UTC', catchup: false, maxActiveRuns: 1 });
    expect(MAX_BACKFILL_INTERVALS).toBeLessThan(60 * 24 * 7);
    expect(codeOf(() => backfillIntervals(minutely, new Date('2026-01-01'), new Date('2026-01-08'), now))).toBe('E_BACKFILL_RANGE');
  });
});
