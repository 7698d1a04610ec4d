import { describe, expect, it } from 'vitest';
import { planBackfill, type ExistingRun, type IntervalRuns } from './plan-backfill.js';

const day = (d: number) => ({ start: new Date(Date.UTC(2026, 0, d)), end: new Date(Date.UTC(2026, 0, d + 1)) });
const id = (d: number, suffix = '') => `p.scheduled.202601${String(d).padStart(2, '0')}t000000z${suffix}`;
const intervals = (runs: Record<number, ExistingRun[]>): IntervalRuns[] => [1, 2, 3, 4, 5].map((d) => ({ interval: day(d), runs: runs[d] ?? [] }));

const existing = intervals({
  2: [{ runId: id(2), state: 'success' }],
  3: [{ runId: id(3), state: 'failed' }],
  4: [{ runId: id(4), state: 'success' }, { runId: id(4, '.r1'), state: 'running' }],
});

describe('planBackfill', () => {
  it('creates scheduled ids for intervals without runs in every mode', () => {
    for (const mode of ['none', 'failed', 'all'] as const) {
      const created = planBackfill('p', existing, mode).pending.filter((e) => e.action === 'create' && !e.runId.includes('.r'));
      expect(created.map((e) => e.runId)).toEqual([id(1), id(5)]);
    }
  });

  it('skips intervals that have a run with reprocess none', () => {
    const plan = planBackfill('p', existing, 'none');
    expect(plan.pending.map((e) => e.runId)).toEqual([id(1), id(5)]);
    expect(plan.skipped.map((s) => [s.runId, s.reason])).toEqual([
      [id(2), 'has-run'],
      [id(3), 'has-run'],
      [id(4, '.r1'), 'has-run'],
    ]);
  });

  it('retries only failed latest runs with reprocess failed', () => {
    const plan = planBackfill('p', existing, 'failed');
    expect(plan.pending.map((e) => [e.runId, e.action])).toEqual([
      [id(1), 'create'],
      [id(3), 'retry'],
      [id(5), 'create'],
    ]);
    expect(plan.skipped.map((s) => [s.runId, s.reason])).toEqual([
      [id(2), 'not-failed'],
      [id(4, '.r1'), 'active'],
    ]);
  });

  it('creates the next .rN run for finished intervals with reprocess all', () => {
    const plan = planBackfill('p', existing, 'all');
    expect(plan.pending.map((e) => [e.runId, e.action])).toEqual([
      [id(1), 'create'],
      [id(2, '.r1'), 'create'],
      [id(3, '.r1'), 'create'],
      [id(5), 'create'],
    ]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['active']);
  });

  it('stores the interval bounds as ISO instants', () => {
    expect(planBackfill('p', intervals({}), 'none').pending[0]).toEqual({ runId: id(1), start: '2026-01-01T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z', action: 'create' });
  });
});
