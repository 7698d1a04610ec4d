import { describe, expect, it } from 'vitest';
import { formatDuration, formatElapsed, formatPlainLine, formatPlainOutcome, formatTimestamp, primaryRows } from './progress-format.js';
import { compareStreamIds } from '@pipeline/runs';

const at = new Date('2026-11-24T11:20:03.456Z');

describe('progress formatting', () => {
  it('writes timestamps to the second, in UTC', () => {
    expect(formatTimestamp(at)).toBe('2026-11-24T11:20:03Z');
  });

  it.each([
    [0, '0.0s', '0s'],
    [812, '0.8s', '0s'],
    [12_149, '12.1s', '12s'],
    [59_999, '60.0s', '59s'],
    [125_000, '2m05s', '2m05s'],
    [3_725_000, '1h02m', '1h02m'],
  ])('%i ms is %s finished and %s elapsed', (ms, finished, elapsed) => {
    expect(formatDuration(ms)).toBe(finished);
    expect(formatElapsed(ms)).toBe(elapsed);
  });

  it('takes the row count a phase hands on', () => {
    expect(primaryRows('extract-transform', { rowsRead: 130, rowsWritten: 120 })).toBe(120);
    expect(primaryRows('stage', { rowsCopied: 120 })).toBe(120);
    expect(primaryRows('audit', { rowsStaged: 118, duplicatesRemoved: 2 })).toBe(118);
    expect(primaryRows('merge', { rowsInserted: 100, rowsUpdated: 18 })).toBe(118);
    expect(primaryRows('merge', {})).toBeUndefined();
    expect(primaryRows('validate', { rowsRead: 1 })).toBeUndefined();
  });

  it('appends only the fields it knows to a plain line', () => {
    expect(formatPlainLine({ loadId: 'users', phase: 'stage', state: 'running', at, attempt: 1 })).toBe('2026-11-24T11:20:03Z users/stage running');
    expect(formatPlainLine({ loadId: 'users', phase: 'stage', state: 'success', at, attempt: 1, durationMs: 800, rows: 120 })).toBe('2026-11-24T11:20:03Z users/stage success 0.8s rows=120');
    expect(formatPlainLine({ loadId: 'users', phase: 'audit', state: 'failed', at, attempt: 3, durationMs: 2_000, errorCode: 'E_STAGING_CHECKS' })).toBe(
      '2026-11-24T11:20:03Z users/audit failed 2.0s attempt=3 error=E_STAGING_CHECKS',
    );
    expect(formatPlainLine({ loadId: 'users', phase: 'extract-transform', state: 'running', at, attempt: 2, restarted: true })).toBe(
      '2026-11-24T11:20:03Z users/extract-transform running attempt=2 restarted',
    );
    expect(formatPlainOutcome({ state: 'failed', durationMs: 61_000 }, at)).toBe('2026-11-24T11:20:03Z run failed 1m01s');
  });

  it('orders stream ids by time, then sequence, as numbers', () => {
    expect(compareStreamIds('1700000000000-0', '1700000000000-0')).toBe(0);
    expect(compareStreamIds('1700000000000-9', '1700000000000-10')).toBeLessThan(0);
    expect(compareStreamIds('1700000000001-0', '1700000000000-99')).toBeGreaterThan(0);
    expect(compareStreamIds('0-0', '1-0')).toBeLessThan(0);
  });
});
