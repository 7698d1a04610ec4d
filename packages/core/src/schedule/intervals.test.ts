import { describe, expect, it } from 'vitest';
import { Cron } from 'croner';
import { intervalsBetween, lastCompleteInterval, type DataInterval } from './intervals.js';

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

describe('fire times', () => {
  /** Intervals straight from croner in `timezone`, one nextRun after the other. */
  function fromCroner(expression: string, timezone: string, from: Date, now: Date, count: number): string[] {
    const cron = new Cron(expression, { timezone, paused: true });
    const out: string[] = [];
    let start = cron.match(from) ? from : cron.nextRun(from);
    while (start && out.length < count) {
      const end = cron.nextRun(start);
      if (!end || end > now) break;
      out.push(`${start.toISOString()}/${end.toISOString()}`);
      start = end;
    }
    return out;
  }

  const expressions = ['0 2 * * *', '*/15 * * * *', '30 */6 * * *', '0 0 L * *', '0 9 * * 1#2', '0 0 29 2 *', '15 3 * * 1-5'];
  const listed = (intervals: DataInterval[]) => intervals.map((i) => `${i.start.toISOString()}/${i.end.toISOString()}`);

  it.each(['UTC', 'Etc/UTC', 'GMT', 'Zulu'])('are those of croner in %s, whichever name UTC goes by', (zone) => {
    const from = new Date('2027-12-30T22:59:59Z');
    const now = new Date('2040-01-01T00:00:00Z');
    for (const expression of expressions) {
      const expected = fromCroner(expression, 'UTC', from, now, 40);
      expect(listed(intervalsBetween(expression, zone, from, new Date(8.64e15), now, 40))).toEqual(expected);
    }
  });

  it('are those of croner in a zone with daylight saving, asked twice', () => {
    const from = new Date('2026-03-27T00:00:00Z');
    for (const expression of ['0 2 * * *', '30 1 * * *', '0 * * * *']) {
      const now = new Date('2026-06-01T00:00:00Z');
      const expected = fromCroner(expression, 'Europe/Berlin', from, now, 60);
      expect(listed(intervalsBetween(expression, 'Europe/Berlin', from, new Date(8.64e15), now, 60))).toEqual(expected);
      // The second answer comes from what the first one learnt, and is the same.
      expect(listed(intervalsBetween(expression, 'Europe/Berlin', from, new Date(8.64e15), now, 60))).toEqual(expected);
    }
  });

  it('stop at now and at the series end, and start at the first fire at or after from', () => {
    const from = new Date('2026-01-01T00:30:00Z');
    const list = intervalsBetween('0 * * * *', 'UTC', from, new Date('2026-01-01T05:00:00Z'), new Date('2026-01-01T04:00:00Z'));
    expect(listed(list)).toEqual(['2026-01-01T01:00:00.000Z/2026-01-01T02:00:00.000Z', '2026-01-01T02:00:00.000Z/2026-01-01T03:00:00.000Z', '2026-01-01T03:00:00.000Z/2026-01-01T04:00:00.000Z']);
    expect(intervalsBetween('0 * * * *', 'UTC', from, new Date('2026-01-01T01:00:00Z'), new Date('2026-01-01T04:00:00Z'))).toEqual([]);
  });

  it('returns dates of its own: a caller changing one does not change the next answer', () => {
    const from = new Date('2026-02-01T00:00:00Z');
    const [first] = intervalsBetween('0 0 * * *', 'UTC', from, new Date(8.64e15), new Date('2026-02-03T00:00:00Z'));
    first!.end.setTime(0);
    expect(intervalsBetween('0 0 * * *', 'UTC', from, new Date(8.64e15), new Date('2026-02-03T00:00:00Z'))[0]?.end).toEqual(new Date('2026-02-02T00:00:00Z'));
  });
});
