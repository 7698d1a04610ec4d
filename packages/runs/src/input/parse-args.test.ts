import { describe, expect, it } from 'vitest';
import { collectParam, parseInstant, parseInterval } from './index.js';

describe('request values', () => {
  it('reads dates and timestamps with zones', () => {
    expect(parseInstant('2026-01-01', '--start').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseInstant('2026-01-01T02:30:00+02:00', '--start').toISOString()).toBe('2026-01-01T00:30:00.000Z');
  });

  it.each(['yesterday', '2026-13-01', '2026-02-30', '2026-01-01T00:00:00', ''])('refuses %j', (value) => {
    expect(() => parseInstant(value, '--start')).toThrow(/--start/);
  });

  it('needs both ends, in order', () => {
    expect(() => parseInterval('2026-01-01', undefined)).toThrow(/go together/);
    expect(() => parseInterval('2026-01-02', '2026-01-01')).toThrow(/must be before/);
    expect(parseInterval(undefined, undefined)).toBeUndefined();
  });

  it('collects typed params and refuses malformed or repeated ones', () => {
    const params = collectParam('limit=10', collectParam('dry=true', collectParam('region=eu-west-1')));
    expect(params).toEqual({ region: 'eu-west-1', dry: true, limit: 10 });
    expect(() => collectParam('no-equals')).toThrow(/key=value/);
    expect(() => collectParam('a=1', { a: 2 })).toThrow(/given twice/);
  });
});

describe('request values named for the API', () => {
  const fields = { start: 'interval.start', end: 'interval.end' };

  it('names the body fields in the same messages', () => {
    expect(() => parseInterval('2026-01-02', '2026-01-01', fields)).toThrow('interval.start (2026-01-02T00:00:00.000Z) must be before interval.end (2026-01-01T00:00:00.000Z)');
    expect(() => parseInterval('soon', '2026-01-01', fields)).toThrow(/^interval\.start "soon" is not a date/);
  });

  it('raises E_USAGE errors, which the command and the API both treat as bad input', () => {
    try {
      parseInstant('2026-02-30', 'from');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'E_USAGE', message: 'from "2026-02-30" is not a valid calendar date' });
    }
  });
});
