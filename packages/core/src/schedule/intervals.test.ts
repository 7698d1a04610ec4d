import { describe, expect, it } from 'vitest';
import { intervalsBetween, lastCompleteInterval } from './intervals.js';

describe('intervals', () => {
  it('gives the last complete daily interval', () => {
    expect(lastCompleteInterval('0 2 * * *', 'UTC', new Date('2026-03-10T12:00:00Z'))).toEqual({
      start: new Date('2026-03-09T02:00:00Z'),
      end: new Date('2026-03-10T02:00:00Z'),
    });
  });

  it('counts a fire exactly at now as complete', () => {
    expect(lastCompleteInterval('0 * * * *', 'UTC', new Date('2026-03-10T12:00:00Z'))?.end).toEqual(new Date('2026-03-10T12:00:00Z'));
  });

  it('follows the time zone across a DST change (a 23-hour day)', () => {
    const i = lastCompleteInterval('0 0 * * *', 'Europe/Berlin', new Date('2026-03-30T12:00:00Z'));
    expect(i).toEqual({ start: new Date('2026-03-28T23:00:00Z'), end: new Date('2026-03-29T22:00:00Z') });
  });

  it('lists complete intervals oldest first, none beyond now', () => {
    const list = intervalsBetween('0 0 * * *', 'UTC', new Date('2026-01-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'), new Date('2026-01-04T06:00:00Z'));
    expect(list.map((i) => i.start.toISOString())).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']);
  });
});

describe('intervals asked again', () => {
  it('gives the same answer from the cache until the next fire, then moves on', () => {
    const expression = '30 */6 * * *';
    const first = lastCompleteInterval(expression, 'UTC', new Date('2026-05-01T07:00:00Z'));
    expect(first).toEqual({ start: new Date('2026-05-01T00:30:00Z'), end: new Date('2026-05-01T06:30:00Z') });
    expect(lastCompleteInterval(expression, 'UTC', new Date('2026-05-01T12:29:59.999Z'))).toEqual(first);
    expect(lastCompleteInterval(expression, 'UTC', new Date('2026-05-01T12:30:00Z'))?.end).toEqual(new Date('2026-05-01T12:30:00Z'));
    // Going back in time (a test clock, a replica behind) is answered afresh, not from the cache.
    expect(lastCompleteInterval(expression, 'UTC', new Date('2026-05-01T06:00:00Z'))?.end).toEqual(new Date('2026-05-01T00:30:00Z'));
  });

  it('keeps zones apart', () => {
    const utc = lastCompleteInterval('0 0 * * *', 'UTC', new Date('2026-05-02T12:00:00Z'));
    const tokyo = lastCompleteInterval('0 0 * * *', 'Asia/Tokyo', new Date('2026-05-02T12:00:00Z'));
    expect(utc?.end).toEqual(new Date('2026-05-02T00:00:00Z'));
    expect(tokyo?.end).toEqual(new Date('2026-05-01T15:00:00Z'));
  });

  it('returns copies: a caller changing a date does not change the next answer', () => {
    const a = lastCompleteInterval('0 1 * * *', 'UTC', new Date('2026-05-03T12:00:00Z'))!;
    a.end.setTime(0);
    expect(lastCompleteInterval('0 1 * * *', 'UTC', new Date('2026-05-03T12:00:00Z'))?.end).toEqual(new Date('2026-05-03T01:00:00Z'));
  });
});
