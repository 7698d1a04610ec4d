import { hostname } from 'node:os';
import { parsePipeline } from '@pipeline/core';
import { startWebhookReceiver, type WebhookReceiver } from '@pipeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliFixture, type CliFixture } from './test-support/cli-fixture.js';

// Short BullMQ locks, so that the second worker takes the killed worker's job within seconds.
const FAST_STALL = ['--lock-duration', '2', '--stalled-interval', '1'];

describe('alerts from `pipeline scheduler`, with real worker processes', () => {
  let f: CliFixture;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    f = await createCliFixture('alerts', { env: { PIPELINE_ALERT_WEBHOOK_URL: receiver.url, PIPELINE_DASHBOARD_URL: 'https://pipeline.example.com' } });
  });

  afterEach(async () => {
    await f?.teardown();
    await receiver?.close();
  });

  async function phaseOf(runId: string, phase: string) {
    return (await f.orchestrator.store.require(runId)).phases.find((p) => p.phase === phase)!;
  }

  it('sends one phase_stalled for a worker killed with SIGKILL mid-phase, and still one after another worker completes the run', async () => {
    const scheduler = f.spawnCli(['scheduler', '--tick', '1', '--alert-sweep', '0.5']);
    await scheduler.waitFor(/alerts on/);
    const first = await f.startWorker(FAST_STALL);

    // The staging check sleeps, so the audit phase runs long enough to kill its worker in it.
    const pipeline = parsePipeline('customers.yaml', f.customersYaml('[ { custom_sql: { name: slow, sql: "select * from {{ table }} where (select count(*) from pg_sleep(6)) = 0" } } ]'));
    const record = await f.orchestrator.createRun({ pipeline, trigger: 'manual', interval: null });
    await f.fakeExtract(record.runId);
    const firstId = `${hostname()}-${first.child.pid}`;
    await expect.poll(async () => (await phaseOf(record.runId, 'audit')).state, { timeout: 30_000, interval: 50 }).toBe('running');
    expect(await phaseOf(record.runId, 'audit')).toMatchObject({ worker: firstId, attempts: 1 });

    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Nobody takes the job over: the sweep finds the phase once the dead worker's heartbeat expires.
    await expect.poll(() => receiver.delivered().length, { timeout: 60_000, interval: 200 }).toBe(1);
    const stalled = { kind: 'phase_stalled', runId: record.runId, loadId: 'customers', phase: 'audit', attempt: 1, worker: firstId };
    expect((receiver.delivered()[0] as { metadata: { event_payload: object } }).metadata.event_payload).toMatchObject(stalled);

    // The second worker restarts the phase: the restart event names the same dead attempt.
    const second = await f.startWorker(FAST_STALL);
    await expect.poll(async () => (await f.orchestrator.store.require(record.runId)).state, { timeout: 60_000, interval: 200 }).toBe('success');
    expect(await phaseOf(record.runId, 'audit')).toMatchObject({ state: 'success', attempts: 2, worker: `${hostname()}-${second.child.pid}` });

    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.body).toMatchObject({ text: expect.stringContaining(`<https://pipeline.example.com/runs/${record.runId}|open run>`) });

    scheduler.child.kill('SIGTERM');
    expect((await scheduler.exited).code, scheduler.output()).toBe(0);
    expect(scheduler.output()).toMatch(/alerts stopped/);
    expect(scheduler.output()).toMatch(/alert sent/);
    // The webhook URL is a credential: no log line carries it.
    expect(scheduler.output()).not.toContain('receiver-token');
  }, 150_000);

  it('doctor says a webhook is configured without calling it or printing it; validate shows deadlines', async () => {
    const doctor = await f.runCli(['doctor']);
    expect(doctor.out).toMatch(/ok\s+alerts\s+webhook on 127\.0\.0\.1:\d+ configured, not called; links to https:\/\/pipeline\.example\.com/);
    expect(`${doctor.out}${doctor.err}`).not.toContain('receiver-token');
    expect(receiver.requests).toHaveLength(0);
    const off = await f.runCli(['doctor'], { PIPELINE_ALERT_WEBHOOK_URL: '' });
    expect(off.out).toMatch(/ok\s+alerts\s+off \(set PIPELINE_ALERT_WEBHOOK_URL/);

    await f.writePipeline('orders', 'id: orders\ndeadline: PT3H\nschedule: { cron: "0 2 * * *" }\nloads:\n  - id: a\n    source: { table: public.a }\n    target: { table: public.b, key: [id] }\n');
    const validate = await f.runCli(['validate']);
    expect(validate.code, validate.err).toBe(0);
    expect(validate.out).toMatch(/ok orders\s+1 load\(s\), 0 2 \* \* \* UTC, deadline PT3H/);
    await f.writePipeline('orders', 'id: orders\ndeadline: soon\nloads:\n  - id: a\n    source: { table: public.a }\n    target: { table: public.b, key: [id] }\n');
    const bad = await f.runCli(['validate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/orders\.yaml:2:\d+ at deadline: expected a duration from 1 minute to 30 days/);
  }, 60_000);

  it('refuses a bad --alert-sweep with exit code 2', async () => {
    const scheduler = f.spawnCli(['scheduler', '--alert-sweep', 'often']);
    expect((await scheduler.exited).code).toBe(2);
    expect(scheduler.output()).toMatch(/--alert-sweep "often" must be a number of seconds/);
  });
});
