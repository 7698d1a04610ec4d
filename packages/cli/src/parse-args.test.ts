import { describe, expect, it } from 'vitest';
import { collectParam, parseInstant, parseInterval } from './parse-args.js';

describe('command-line values', () => {
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
