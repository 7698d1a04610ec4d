import { describe, expect, it } from 'vitest';
import { decodePendingBackfill, encodePendingBackfill, type PendingBackfill } from './pending-backfill.js';

describe('pending backfill entries', () => {
  const entry: PendingBackfill = { runId: 'p.scheduled.20260101t000000z', start: '2026-01-01T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z', action: 'retry' };

  it('round-trip through their stored text', () => {
    expect(decodePendingBackfill(encodePendingBackfill(entry))).toEqual(entry);
  });

  it('encode the same entry to the same text, so storing it twice keeps one', () => {
    expect(encodePendingBackfill({ ...entry })).toBe(encodePendingBackfill(entry));
  });

  it('reject text that is not an entry', () => {
    for (const text of ['nope', 'null', '{}', JSON.stringify({ ...entry, action: 'delete' }), JSON.stringify({ ...entry, start: 'yesterday' })]) {
      expect(decodePendingBackfill(text)).toBeUndefined();
    }
  });
});
