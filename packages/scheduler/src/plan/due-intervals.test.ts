import type { ScheduleDefinition } from '@pipeline/core';
import { describe, expect, it } from 'vitest';
import { dueIntervals } from './due-intervals.js';

const schedule = (over: Partial<ScheduleDefinition>): ScheduleDefinition => ({ cron: '0 * * * *', timezone: 'UTC', catchup: false, maxActiveRuns: 1, ...over });
const at = (iso: string) => new Date(iso);
const starts = (list: { start: Date }[]) => list.map((i) => i.start.toISOString());

describe('dueIntervals without catchup', () => {
  it('gives only the latest complete interval, skipping the ones missed', () => {
    const due = dueIntervals({ schedule: schedule({ start: '2026-01-01T00:00:00Z' }), lastEnd: at('2026-01-01T03:00:00Z'), now: at('2026-01-01T10:30:00Z'), limit: 5 });
    expect(due).toEqual([{ start: at('2026-01-01T09:00:00Z'), end: at('2026-01-01T10:00:00Z') }]);
  });

  it('gives nothing when the latest interval already has its run', () => {
    expect(dueIntervals({ schedule: schedule({}), lastEnd: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T10:59:59Z'), limit: 1 })).toEqual([]);
  });

  it('gives the latest interval on the very first tick', () => {
    expect(starts(dueIntervals({ schedule: schedule({}), now: at('2026-01-01T10:00:00Z'), limit: 1 }))).toEqual(['2026-01-01T09:00:00.000Z']);
  });

  it('gives nothing before schedule.start', () => {
    expect(dueIntervals({ schedule: schedule({ start: '2026-01-01T10:00:00Z' }), now: at('2026-01-01T10:30:00Z'), limit: 1 })).toEqual([]);
  });

  it('gives the last interval before schedule.end once end has passed, then nothing', () => {
    const s = schedule({ end: '2026-01-01T05:00:00Z' });
    const due = dueIntervals({ schedule: s, now: at('2026-01-02T00:00:00Z'), limit: 1 });
    expect(due).toEqual([{ start: at('2026-01-01T04:00:00Z'), end: at('2026-01-01T05:00:00Z') }]);
    expect(dueIntervals({ schedule: s, lastEnd: at('2026-01-01T05:00:00Z'), now: at('2026-01-02T00:00:00Z'), limit: 1 })).toEqual([]);
  });

  it('gives nothing when no slot is free', () => {
    expect(dueIntervals({ schedule: schedule({}), now: at('2026-01-01T10:00:00Z'), limit: 0 })).toEqual([]);
  });
});

describe('dueIntervals with catchup', () => {
  it('starts at schedule.start, oldest first, up to the limit', () => {
    const due = dueIntervals({ schedule: schedule({ catchup: true, start: '2026-01-01T00:00:00Z' }), now: at('2026-01-01T10:30:00Z'), limit: 3 });
    expect(starts(due)).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z']);
  });

  it('continues from the last scheduled end', () => {
    const due = dueIntervals({ schedule: schedule({ catchup: true, start: '2026-01-01T00:00:00Z' }), lastEnd: at('2026-01-01T08:00:00Z'), now: at('2026-01-01T10:30:00Z'), limit: 5 });
    expect(starts(due)).toEqual(['2026-01-01T08:00:00.000Z', '2026-01-01T09:00:00.000Z']);
  });

  it('never goes back before schedule.start even when the last end is older', () => {
    const due = dueIntervals({ schedule: schedule({ catchup: true, start: '2026-01-01T09:00:00Z' }), lastEnd: at('2026-01-01T02:00:00Z'), now: at('2026-01-01T10:30:00Z'), limit: 5 });
    expect(starts(due)).toEqual(['2026-01-01T09:00:00.000Z']);
  });

  it('stops before schedule.end', () => {
    const due = dueIntervals({ schedule: schedule({ catchup: true, start: '2026-01-01T00:00:00Z', end: '2026-01-01T03:00:00Z' }), now: at('2026-01-02T00:00:00Z'), limit: 10 });
    expect(starts(due)).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z']);
  });

  it('starts a series from the latest interval when there is neither a start nor a last end', () => {
    expect(starts(dueIntervals({ schedule: schedule({ catchup: true }), now: at('2026-01-01T10:30:00Z'), limit: 5 }))).toEqual(['2026-01-01T09:00:00.000Z']);
  });

  it('aligns a start that is not a fire time to the next fire time', () => {
    const due = dueIntervals({ schedule: schedule({ cron: '0 2 * * *', catchup: true, start: '2026-01-01T00:00:00Z' }), now: at('2026-01-03T12:00:00Z'), limit: 5 });
    expect(due).toEqual([{ start: at('2026-01-01T02:00:00Z'), end: at('2026-01-02T02:00:00Z') }, { start: at('2026-01-02T02:00:00Z'), end: at('2026-01-03T02:00:00Z') }]);
  });
});

describe('dueIntervals across daylight-saving changes', () => {
  const hours = (i: { start: Date; end: Date }) => (i.end.getTime() - i.start.getTime()) / 3_600_000;

  it('gives a 23-hour and a 25-hour day for a daily schedule in Europe/Berlin', () => {
    const s = schedule({ cron: '0 0 * * *', timezone: 'Europe/Berlin', catchup: true, start: '2026-03-27T23:00:00Z' });
    const spring = dueIntervals({ schedule: s, now: at('2026-04-01T00:00:00Z'), limit: 3 });
    expect(spring.map(hours)).toEqual([24, 23, 24]);
    expect(starts(spring)).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    const autumn = dueIntervals({ schedule: { ...s, start: '2026-10-23T22:00:00Z' }, now: at('2026-10-28T00:00:00Z'), limit: 3 });
    expect(autumn.map(hours)).toEqual([24, 25, 24]);
  });

  it('fires once for a local time that is skipped, and once for one that repeats', () => {
    const s = schedule({ cron: '30 2 * * *', timezone: 'Europe/Berlin', catchup: true, start: '2026-03-27T00:00:00Z' });
    const spring = dueIntervals({ schedule: s, now: at('2026-04-01T00:00:00Z'), limit: 3 });
    expect(starts(spring)).toEqual(['2026-03-27T01:30:00.000Z', '2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z']);
    const autumn = dueIntervals({ schedule: { ...s, start: '2026-10-24T00:00:00Z' }, now: at('2026-10-28T00:00:00Z'), limit: 3 });
    expect(starts(autumn)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('keeps hourly intervals one real hour long through the repeated hour', () => {
    const s = schedule({ cron: '0 * * * *', timezone: 'Europe/Berlin', catchup: true, start: '2026-10-24T23:00:00Z' });
    const due = dueIntervals({ schedule: s, now: at('2026-10-25T04:00:00Z'), limit: 10 });
    expect(due.map(hours)).toEqual([1, 1, 1, 1, 1]);
    expect(starts(due)).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z', '2026-10-25T03:00:00.000Z']);
  });

  it('computes the latest interval in the schedule time zone without catchup', () => {
    const s = schedule({ cron: '0 0 * * *', timezone: 'America/New_York' });
    expect(dueIntervals({ schedule: s, now: at('2026-11-02T12:00:00Z'), limit: 1 })).toEqual([{ start: at('2026-11-01T04:00:00Z'), end: at('2026-11-02T05:00:00Z') }]);
  });
});
