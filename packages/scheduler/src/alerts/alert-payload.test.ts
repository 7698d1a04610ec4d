import { describe, expect, it } from 'vitest';
import type { Alert, AlertKind } from './alert.js';
import { alertKeys, alertRedisKey } from './alert-key.js';
import { alertPayload } from './alert-payload.js';

const RUN_ID = 'orders.scheduled.20260101t000000z';

/** An alert of `kind` about the scheduled run of orders for 2026-01-01, with only the run's facts unless `fields` add more. */
function alert(kind: AlertKind, fields: Partial<Alert> = {}): Alert {
  return {
    kind,
    key: `${kind}:${RUN_ID}:1767312300000-0`,
    pipelineId: 'orders',
    runId: RUN_ID,
    trigger: 'schedule',
    state: 'failed',
    intervalStart: '2026-01-01T00:00:00.000Z',
    intervalEnd: '2026-01-02T00:00:00.000Z',
    at: '2026-01-02T00:05:00.000Z',
    ...fields,
  };
}

const checkFailed = alert('check_failed', {
  loadId: 'a',
  phase: 'audit',
  attempt: 1,
  error: { code: 'E_STAGING_CHECKS', message: '1 staging check(s) failed, nothing was published: custom_sql (observed 2; e.g. [{"v":"<b>&"}])' },
  checks: ['custom_sql'],
});

describe('alertPayload', () => {
  it('gives Slack a one-line text with a link, section blocks with fields, and the facts as metadata', () => {
    const payload = alertPayload(checkFailed, { dashboardUrl: 'https://pipeline.example.com/' });
    const link = 'https://pipeline.example.com/runs/orders.scheduled.20260101t000000z';
    expect(payload.text).toBe(
      `Checks failed: pipeline orders, run orders.scheduled.20260101t000000z (2026-01-01 00:00Z → 2026-01-02 00:00Z): custom_sql failed in a/audit — E_STAGING_CHECKS <${link}|open run>`,
    );
    expect(payload.text).not.toContain('\n');
    expect(payload.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Checks failed*: custom_sql failed in a/audit' } });
    expect(payload.blocks[1]).toMatchObject({ type: 'section' });
    const fields = (payload.blocks[1] as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields).toEqual([
      '*Pipeline*\norders',
      `*Run*\n<${link}|orders.scheduled.20260101t000000z>`,
      '*Interval*\n2026-01-01 00:00Z → 2026-01-02 00:00Z',
      '*State*\nfailed (schedule)',
      '*Phase*\na/audit, attempt 1',
      '*Checks*\ncustom_sql',
      '*Error*\nE_STAGING_CHECKS',
    ]);
    // Text from the data is escaped for Slack's mrkdwn.
    expect(JSON.stringify(payload.blocks[2])).toContain('&lt;b&gt;&amp;');
    expect(payload.metadata).toEqual({
      event_type: 'pipeline_alert',
      event_payload: {
        kind: 'check_failed',
        pipelineId: 'orders',
        runId: 'orders.scheduled.20260101t000000z',
        trigger: 'schedule',
        state: 'failed',
        intervalStart: '2026-01-01T00:00:00.000Z',
        intervalEnd: '2026-01-02T00:00:00.000Z',
        loadId: 'a',
        phase: 'audit',
        attempt: 1,
        errorCode: 'E_STAGING_CHECKS',
        errorMessage: checkFailed.error!.message,
        checks: 'custom_sql',
        at: '2026-01-02T00:05:00.000Z',
        url: link,
        key: checkFailed.key,
      },
    });
  });

  it('leaves the link out without a dashboard URL, and says "full refresh" without an interval', () => {
    const payload = alertPayload(alert('run_failed', { intervalStart: null, intervalEnd: null }));
    expect(payload.text).toBe('Run failed: pipeline orders, run orders.scheduled.20260101t000000z (full refresh): the run failed');
    expect(Object.values(payload.metadata.event_payload)).not.toContain(null);
    expect(payload.metadata.event_payload).not.toHaveProperty('url');
  });

  it('says which deadline was missed and which worker died', () => {
    const deadline = alertPayload(alert('deadline_missed', { state: 'running', deadline: '2026-01-02T02:00:00.000Z' }));
    expect(deadline.text).toContain('Deadline missed: pipeline orders, run orders.scheduled.20260101t000000z (2026-01-01 00:00Z → 2026-01-02 00:00Z): still running past its deadline 2026-01-02 02:00Z');
    expect(deadline.metadata.event_payload.deadline).toBe('2026-01-02T02:00:00.000Z');
    const stalled = alertPayload(alert('phase_stalled', { state: 'running', loadId: 'a', phase: 'merge', attempt: 1, worker: 'host-41' }));
    expect(stalled.text).toContain('Phase stalled: pipeline orders, run orders.scheduled.20260101t000000z (2026-01-01 00:00Z → 2026-01-02 00:00Z): worker host-41 died during attempt 1 in a/merge');
  });

  it('keeps a long error within Slack\'s block limits', () => {
    const payload = alertPayload({ ...checkFailed, error: { code: 'E_FINAL_CHECKS', message: 'x'.repeat(5_000) } });
    for (const block of payload.blocks) {
      if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
    expect(String(payload.metadata.event_payload.errorMessage).length).toBeLessThanOrEqual(1500);
  });
});

describe('alert keys', () => {
  it('name one state change each, under the deployment\'s hash tag', () => {
    expect(alertRedisKey('prod', alertKeys.runFailed('orders.manual.x', '17-0'))).toBe('{prod}:alert:run_failed:orders.manual.x:17-0');
    expect(alertKeys.deadlineMissed('orders.manual.x')).toBe('deadline_missed:orders.manual.x');
    // The restart event and the sweep build the key of one dead attempt the same way.
    expect(alertKeys.phaseStalled({ runId: 'r', loadId: 'a', phase: 'merge', generation: 0, attempt: 1 })).toBe('phase_stalled:r:a:merge:g0:a1');
  });
});
