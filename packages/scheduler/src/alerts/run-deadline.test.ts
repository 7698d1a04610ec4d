import { parsePipeline } from '@pipeline/core';
import { describe, expect, it } from 'vitest';
import { runDeadline } from './run-deadline.js';

const pipeline = (deadline?: string) =>
  parsePipeline('orders.yaml', `id: orders\n${deadline ? `deadline: "${deadline}"\n` : ''}loads:\n  - id: a\n    source: { table: public.a }\n    target: { table: public.b, key: [id] }\n`);

describe('runDeadline', () => {
  const interval = { intervalEnd: '2026-01-02T00:00:00.000Z' };

  it('counts a scheduled run from its interval end', () => {
    expect(runDeadline({ trigger: 'schedule', ...interval, createdAt: '2026-01-02T00:00:05.000Z', pipeline: pipeline('2h') })).toEqual(new Date('2026-01-02T02:00:00.000Z'));
    // Created late (the scheduler was down): the deadline does not move.
    expect(runDeadline({ trigger: 'schedule', ...interval, createdAt: '2026-01-03T00:00:00.000Z', pipeline: pipeline('PT2H') })).toEqual(new Date('2026-01-02T02:00:00.000Z'));
  });

  it('counts a backfill run from the later of interval end and creation', () => {
    expect(runDeadline({ trigger: 'backfill', ...interval, createdAt: '2026-03-01T10:00:00.000Z', pipeline: pipeline('1h30m') })).toEqual(new Date('2026-03-01T11:30:00.000Z'));
    expect(runDeadline({ trigger: 'backfill', ...interval, createdAt: '2026-01-01T23:00:00.000Z', pipeline: pipeline('90m') })).toEqual(new Date('2026-01-02T01:30:00.000Z'));
  });

  it('counts a manual run and a full refresh from creation', () => {
    expect(runDeadline({ trigger: 'manual', ...interval, createdAt: '2026-02-01T10:00:00.000Z', pipeline: pipeline('90m') })).toEqual(new Date('2026-02-01T11:30:00.000Z'));
    expect(runDeadline({ trigger: 'schedule', intervalEnd: null, createdAt: '2026-02-01T10:00:00.000Z', pipeline: pipeline('1h') })).toEqual(new Date('2026-02-01T11:00:00.000Z'));
  });

  it('is undefined without a deadline', () => {
    expect(runDeadline({ trigger: 'schedule', ...interval, createdAt: '2026-01-02T00:00:05.000Z', pipeline: pipeline() })).toBeUndefined();
  });
});
