import type { ScheduleDefinition } from '@pipeline/core';
import type { PendingBackfill } from '@pipeline/runs';
import { describe, expect, it } from 'vitest';
import { planTick } from './plan-tick.js';

const hourly = (over: Partial<ScheduleDefinition> = {}): ScheduleDefinition => ({ cron: '0 * * * *', timezone: 'UTC', catchup: true, start: '2026-01-01T00:00:00Z', maxActiveRuns: 1, ...over });
const now = new Date('2026-01-01T05:30:00Z');
const pending = (start: string, end: string, runId: string, action: PendingBackfill['action'] = 'create'): PendingBackfill => ({ runId, start, end, action });

describe('planTick', () => {
  it('creates nothing while maxActiveRuns runs are active', () => {
    expect(planTick({ pipelineId: 'p', schedule: hourly({ maxActiveRuns: 2 }), activeCount: 2, now, pendingBackfill: [] })).toEqual({ freeSlots: 0, runs: [] });
  });

  it('fills the free slots with the oldest due intervals and derived run ids', () => {
    const plan = planTick({ pipelineId: 'p', schedule: hourly({ maxActiveRuns: 3 }), activeCount: 1, now, pendingBackfill: [] });
    expect(plan.freeSlots).toBe(2);
    expect(plan.runs.map((r) => [r.runId, r.trigger, r.action, r.advancesSchedule])).toEqual([
      ['p.scheduled.20260101t000000z', 'schedule', 'create', true],
      ['p.scheduled.20260101t010000z', 'schedule', 'create', true],
    ]);
  });

  it('lets older backfill intervals go before newer scheduled ones', () => {
    const backfill = [pending('2025-12-01T00:00:00.000Z', '2025-12-01T01:00:00.000Z', 'p.scheduled.20251201t000000z')];
    const plan = planTick({ pipelineId: 'p', schedule: hourly({ maxActiveRuns: 2 }), lastEnd: new Date('2026-01-01T04:00:00Z'), activeCount: 0, now, pendingBackfill: backfill });
    expect(plan.runs.map((r) => [r.runId, r.trigger, r.pending?.runId])).toEqual([
      ['p.scheduled.20251201t000000z', 'backfill', 'p.scheduled.20251201t000000z'],
      ['p.scheduled.20260101t040000z', 'schedule', undefined],
    ]);
  });

  it('creates an interval wanted by both the schedule and a backfill once, settling both', () => {
    const backfill = [pending('2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z', 'p.scheduled.20260101t000000z')];
    const plan = planTick({ pipelineId: 'p', schedule: hourly({ maxActiveRuns: 2 }), activeCount: 0, now, pendingBackfill: backfill });
    expect(plan.runs.map((r) => [r.runId, r.trigger, r.advancesSchedule, r.pending?.runId])).toEqual([
      ['p.scheduled.20260101t000000z', 'schedule', true, 'p.scheduled.20260101t000000z'],
      ['p.scheduled.20260101t010000z', 'schedule', true, undefined],
    ]);
  });

  it('carries retry entries through as retries', () => {
    const backfill = [pending('2025-12-01T00:00:00.000Z', '2025-12-01T01:00:00.000Z', 'p.scheduled.20251201t000000z', 'retry')];
    const plan = planTick({ pipelineId: 'p', schedule: hourly({ catchup: false }), lastEnd: new Date('2026-01-01T05:00:00Z'), activeCount: 0, now, pendingBackfill: backfill });
    expect(plan.runs).toEqual([
      { runId: 'p.scheduled.20251201t000000z', interval: { start: new Date('2025-12-01T00:00:00Z'), end: new Date('2025-12-01T01:00:00Z') }, trigger: 'backfill', action: 'retry', advancesSchedule: false, pending: backfill[0] },
    ]);
  });
});
