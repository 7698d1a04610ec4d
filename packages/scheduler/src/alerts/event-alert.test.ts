import type { PhaseStateEvent, RunStateEvent, StoredRunEvent } from '@pipeline/runs';
import { describe, expect, it } from 'vitest';
import { alertForEvent } from './event-alert.js';
import { failedChecks } from './failed-checks.js';

const base = { runId: 'orders.scheduled.20260101t000000z', pipelineId: 'orders', trigger: 'schedule' as const, at: '2026-01-02T00:05:00.000Z' };
const interval = { intervalStart: '2026-01-01T00:00:00.000Z', intervalEnd: '2026-01-02T00:00:00.000Z' };

const run = (from: RunStateEvent['from'], to: RunStateEvent['to']): RunStateEvent => ({ ...base, ...interval, type: 'run', from, to });
const phase = (fields: Partial<PhaseStateEvent>): PhaseStateEvent => ({
  ...base,
  type: 'phase',
  loadId: 'a',
  phase: 'audit',
  from: 'running',
  to: 'running',
  attempts: 1,
  generation: 0,
  ...fields,
});
const stored = (event: StoredRunEvent['event'], id = '1767312300000-0'): StoredRunEvent => ({ id, event });

const STAGING_MESSAGE =
  '2 staging check(s) failed, nothing was published: not_null(email) (observed 1; e.g. [{"id":3}]); accepted_values(country) (observed 2; e.g. [{"id":4},{"id":5}])';

describe('alertForEvent', () => {
  it('raises run_failed for a run event to failed, keyed on the event id', () => {
    expect(alertForEvent(stored(run('running', 'failed')), null)).toEqual({
      ...base,
      ...interval,
      kind: 'run_failed',
      key: 'run_failed:orders.scheduled.20260101t000000z:1767312300000-0',
      state: 'failed',
    });
    // The same run failing again after a retry is another event: another alert.
    expect(alertForEvent(stored(run('running', 'failed'), '1767312400000-0'), null)!.key).toBe('run_failed:orders.scheduled.20260101t000000z:1767312400000-0');
  });

  it.each([
    ['a run created', run(null, 'queued')],
    ['a run that succeeded', run('running', 'success')],
    ['a run cancelled', run('queued', 'cancelled')],
    ['a phase started', phase({ from: 'queued', to: 'running' })],
    ['a failed attempt that is retried', phase({ from: 'running', to: 'queued', error: { code: 'E_STAGING_CHECKS', message: STAGING_MESSAGE } })],
    ['a phase failed on something else than checks', phase({ from: 'running', to: 'failed', error: { code: 'E_WAREHOUSE', message: 'connection refused' } })],
    ['a phase marked upstream_failed', phase({ from: 'pending', to: 'upstream_failed' })],
  ])('raises nothing for %s', (_name, event) => {
    expect(alertForEvent(stored(event), null)).toBeUndefined();
  });

  it('raises check_failed for a phase failed for good on its checks, naming them', () => {
    const alert = alertForEvent(stored(phase({ from: 'running', to: 'failed', attempts: 1, error: { code: 'E_STAGING_CHECKS', message: STAGING_MESSAGE } })), interval);
    expect(alert).toEqual({
      ...base,
      ...interval,
      kind: 'check_failed',
      key: 'check_failed:orders.scheduled.20260101t000000z:1767312300000-0',
      state: 'failed',
      loadId: 'a',
      phase: 'audit',
      attempt: 1,
      error: { code: 'E_STAGING_CHECKS', message: STAGING_MESSAGE },
      checks: ['not_null(email)', 'accepted_values(country)'],
    });
    const final = alertForEvent(stored(phase({ phase: 'validate', from: 'running', to: 'failed', error: { code: 'E_FINAL_CHECKS', message: '1 final-table check(s) failed: reconciliation(rows staged = rows written) (observed 3 staged, 2 written)' } })), null);
    expect(final).toMatchObject({ kind: 'check_failed', phase: 'validate', checks: ['reconciliation(rows staged = rows written)'], intervalStart: null });
  });

  it('raises phase_stalled for a restarted phase, keyed on the dead attempt', () => {
    const alert = alertForEvent(stored(phase({ phase: 'merge', attempts: 2, generation: 1, restarted: true, worker: 'host-2', previousWorker: 'host-1' })), interval);
    expect(alert).toMatchObject({ kind: 'phase_stalled', key: 'phase_stalled:orders.scheduled.20260101t000000z:a:merge:g1:a1', attempt: 1, worker: 'host-1', state: 'running', ...interval });
  });
});

describe('failedChecks', () => {
  it('names every failed check, whatever the samples hold', () => {
    expect(failedChecks(STAGING_MESSAGE)).toEqual(['not_null(email)', 'accepted_values(country)']);
    expect(failedChecks('1 staging check(s) failed, nothing was published: custom_sql:no_refunds (observed 4; e.g. [{"note":"a (b); c"}])')).toEqual(['custom_sql:no_refunds']);
    expect(failedChecks('no list here')).toEqual([]);
  });
});
