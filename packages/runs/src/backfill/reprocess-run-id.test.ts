import { describe, expect, it } from 'vitest';
import { intervalRunIds, reprocessRunId } from './reprocess-run-id.js';

describe('reprocess run ids', () => {
  const start = new Date('2026-01-01T02:00:00Z');

  it('append .rN to the scheduled id', () => {
    expect(reprocessRunId('users', start, 2)).toBe('users.scheduled.20260101t020000z.r2');
  });

  it('refuse numbers below 1', () => {
    expect(() => reprocessRunId('users', start, 0)).toThrow(RangeError);
  });

  it('list an interval’s ids in creation order', () => {
    const ids = intervalRunIds('users', start);
    expect([ids.next().value, ids.next().value, ids.next().value]).toEqual(['users.scheduled.20260101t020000z', 'users.scheduled.20260101t020000z.r1', 'users.scheduled.20260101t020000z.r2']);
  });
});
