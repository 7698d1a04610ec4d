import { ChecksFailedError, createLogger, parsePipeline, type LoadPhase, type PipelineDefinition } from '@pipeline/core';
import { Orchestrator, RunEventLog, workerKey, type RunRecord } from '@pipeline/runs';
import { startWebhookReceiver, uniqueName, type WebhookReceiver } from '@pipeline/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertKeys, alertRedisKey } from './alert-key.js';
import type { AlertPayload } from './alert-payload.js';
import { ALERTS_GROUP, startAlertDispatcher, type AlertDispatcher, type AlertDispatcherOptions } from './start-alert-dispatcher.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent' });
/** Long enough for a dispatcher to have sent anything it was going to send twice. */
const SETTLE_MS = 1_500;

function pipeline(deadline?: string): PipelineDefinition {
  return parsePipeline(
    'orders.yaml',
    `id: orders\n${deadline ? `deadline: ${deadline}\n` : ''}loads:\n  - id: a\n    source: { table: public.a_raw }\n    target: { table: analytics.a, key: [id] }\n`,
  );
}

const stagingChecksFailed = () =>
  new ChecksFailedError('staging', [
    { name: 'not_null(email)', passed: false, observed: 2, sample: [{ id: 3 }, { id: 4 }], stage: 'staging' },
    { name: 'unique(id)', passed: true, observed: 0, sample: [], stage: 'staging' },
  ]);

const connectionLost = () => Object.assign(new Error('connection reset by the warehouse'), { code: 'E_WAREHOUSE_CONNECTION' });

describe('the alert dispatcher on the run event stream', () => {
  let redis: Redis;
  let keyPrefix: string;
  let orchestrator: Orchestrator;
  let receiver: WebhookReceiver;
  let dispatchers: AlertDispatcher[];

  beforeEach(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    keyPrefix = uniqueName('alerts').replace(/_/g, '-');
    orchestrator = new Orchestrator({ redis, keyPrefix, logger });
    receiver = await startWebhookReceiver();
    dispatchers = [];
  });

  afterEach(async () => {
    await Promise.all(dispatchers.map((d) => d.stop()));
    await receiver.close();
    await orchestrator.queue('spark').obliterate({ force: true });
    await orchestrator.queue('sql').obliterate({ force: true });
    await orchestrator.close();
    const keys = await redis.keys(`{${keyPrefix}}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  async function start(options: Partial<AlertDispatcherOptions> = {}): Promise<AlertDispatcher> {
    const dispatcher = await startAlertDispatcher({
      redis,
      keyPrefix,
      logger,
      webhookUrl: receiver.url,
      dashboardUrl: 'https://pipeline.example.com',
      blockMs: 200,
      sweepMs: 60_000,
      delivery: { backoffMs: 50, timeoutMs: 2_000 },
      ...options,
    });
    dispatchers.push(dispatcher);
    return dispatcher;
  }

  const payloads = () => receiver.delivered() as AlertPayload[];
  const facts = (kind?: string) => payloads().map((p) => p.metadata.event_payload).filter((f) => kind === undefined || f.kind === kind);

  /** Waits until `count` alerts were delivered, then a settle period, and returns them: exact counts. */
  async function settled(count: number) {
    await expect.poll(() => payloads().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return facts();
  }

  async function run(record: RunRecord, phase: LoadPhase, outcome: 'success' | Error, options: { final?: boolean; worker?: string; attempt?: number } = {}): Promise<void> {
    await orchestrator.markRunning(record.runId, 'a', phase, { worker: options.worker ?? 'w1', attempt: options.attempt ?? 1 });
    if (outcome === 'success') await orchestrator.completePhase(record.runId, 'a', phase, {});
    else await orchestrator.failPhase(record.runId, 'a', phase, outcome, { final: options.final ?? true });
  }

  /** A manual run whose extract fails for good and whose cleanup then runs: the run ends `failed`. */
  async function failedRun(): Promise<RunRecord> {
    const record = await orchestrator.createRun({ pipeline: pipeline(), trigger: 'manual', interval: null });
    await run(record, 'extract-transform', connectionLost());
    await run(record, 'cleanup', 'success');
    expect((await orchestrator.store.require(record.runId)).state).toBe('failed');
    return record;
  }

  it('sends run_failed once, for changes made after the group was created only', async () => {
    const before = await failedRun();
    await start();
    const record = await failedRun();
    const alerts = await settled(1);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'run_failed', runId: record.runId, state: 'failed', url: `https://pipeline.example.com/runs/${record.runId}` })]);
    expect(alerts.map((a) => a.runId)).not.toContain(before.runId);
    // Every event was acknowledged: nothing left pending for another replica to send again.
    const pending = (await redis.xpending(new RunEventLog(redis, keyPrefix).key, ALERTS_GROUP)) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
  });

  it('sends nothing for a phase attempt that fails and is retried, and one check_failed for a final check failure', async () => {
    await start();
    const record = await orchestrator.createRun({ pipeline: pipeline(), trigger: 'manual', interval: null });
    await run(record, 'extract-transform', 'success');
    await run(record, 'stage', 'success');
    // An attempt failure goes running → queued: retried, not alerted, whatever its error.
    await run(record, 'audit', stagingChecksFailed(), { final: false });
    await run(record, 'audit', connectionLost(), { final: false, attempt: 2 });
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    expect(receiver.requests).toHaveLength(0);

    await run(record, 'audit', stagingChecksFailed(), { attempt: 3 });
    const alerts = await settled(1);
    expect(alerts).toEqual([
      expect.objectContaining({ kind: 'check_failed', runId: record.runId, loadId: 'a', phase: 'audit', attempt: 3, errorCode: 'E_STAGING_CHECKS', checks: 'not_null(email)' }),
    ]);
    expect(alerts[0]!.errorMessage).toContain('not_null(email) (observed 2; e.g. [{"id":3},{"id":4}])');
    expect(payloads()[0]!.text).toContain('not_null(email) failed in a/audit');
  });

  it('sends each alert once with two dispatchers on the same stream, and a retried run that fails again alerts again', async () => {
    await start({ consumer: 'replica-1' });
    await start({ consumer: 'replica-2' });
    const runs = [await failedRun(), await failedRun(), await failedRun()];
    await orchestrator.retryRun(runs[0]!.runId);
    await run(runs[0]!, 'extract-transform', connectionLost());
    await run(runs[0]!, 'cleanup', 'success');
    const alerts = await settled(4);
    expect(alerts.filter((a) => a.kind === 'run_failed').map((a) => a.runId).sort()).toEqual([runs[0]!.runId, ...runs.map((r) => r.runId)].sort());
    expect(alerts).toHaveLength(4);
    expect(receiver.requests).toHaveLength(4);
  });

  it('retries a delivery the receiver answered with 500, and counts it delivered once', async () => {
    receiver.answer([{ status: 500 }, { status: 200 }]);
    await start();
    const record = await failedRun();
    const alerts = await settled(1);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'run_failed', runId: record.runId })]);
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 200]);
  });

  it('takes over events a dead replica read and never acknowledged', async () => {
    const log = new RunEventLog(redis, keyPrefix);
    await log.ensureGroup(ALERTS_GROUP, '$');
    const record = await failedRun();
    // A replica read the events and died before sending anything.
    expect((await log.readGroup(ALERTS_GROUP, 'dead-replica')).length).toBeGreaterThan(0);
    await start({ claimIdleMs: 300, sweepMs: 300 });
    const alerts = await settled(1);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'run_failed', runId: record.runId })]);
  });

  it('does not send again an event redelivered after a replica sent its alert and died before acknowledging', async () => {
    const log = new RunEventLog(redis, keyPrefix);
    await log.ensureGroup(ALERTS_GROUP, '$');
    const record = await failedRun();
    const read = await log.readGroup(ALERTS_GROUP, 'dead-replica');
    const failed = read.find((e) => e.event.type === 'run' && e.event.to === 'failed')!;
    // What the dead replica's ledger write left behind once its POST was answered.
    await redis.set(alertRedisKey(keyPrefix, alertKeys.runFailed(record.runId, failed.id)), 'sent', 'EX', 3600);
    await start({ claimIdleMs: 300, sweepMs: 300 });
    await expect.poll(async () => ((await redis.xpending(log.key, ALERTS_GROUP)) as [number])[0], { timeout: 10_000 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    expect(receiver.requests).toHaveLength(0);
  });

  it('sends deadline_missed once for a run past its deadline, not again on the next sweep', async () => {
    const clock = { now: Date.now() };
    const dispatcher = await start({ now: () => new Date(clock.now) });
    const late = await orchestrator.createRun({ pipeline: pipeline('"1m"'), trigger: 'manual', interval: null });
    const relaxed = await orchestrator.createRun({ pipeline: pipeline('PT2H'), trigger: 'manual', interval: null });
    await orchestrator.createRun({ pipeline: pipeline(), trigger: 'manual', interval: null });
    await dispatcher.sweep();
    expect(receiver.requests).toHaveLength(0);

    clock.now += 2 * 60_000;
    await dispatcher.sweep();
    await dispatcher.sweep();
    const alerts = await settled(1);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'deadline_missed', runId: late.runId, state: 'queued', deadline: new Date(Date.parse(late.createdAt) + 60_000).toISOString() })]);
    expect(alerts.map((a) => a.runId)).not.toContain(relaxed.runId);
  });

  it('sends phase_stalled once for a dead worker, whether the sweep or the restart event sees it first', async () => {
    const clock = { now: Date.now() };
    const dispatcher = await start({ now: () => new Date(clock.now), stalledGraceMs: 30_000 });
    const record = await orchestrator.createRun({ pipeline: pipeline(), trigger: 'manual', interval: null });
    const alive = await orchestrator.createRun({ pipeline: pipeline(), trigger: 'manual', interval: null });
    await redis.set(workerKey(keyPrefix, 'live-worker'), '{}', 'PX', 60_000);
    await orchestrator.markRunning(record.runId, 'a', 'extract-transform', { worker: 'dead-worker', attempt: 1 });
    await orchestrator.markRunning(alive.runId, 'a', 'extract-transform', { worker: 'live-worker', attempt: 1 });

    // Within the grace period nothing is stalled yet.
    await dispatcher.sweep();
    expect(receiver.requests).toHaveLength(0);

    clock.now += 60_000;
    await dispatcher.sweep();
    await expect.poll(() => payloads().length, { timeout: 10_000 }).toBe(1);
    // Another worker takes the job over: the restart event names the same dead attempt.
    await orchestrator.markRunning(record.runId, 'a', 'extract-transform', { worker: 'live-worker', attempt: 2 });
    await dispatcher.sweep();
    const alerts = await settled(1);
    expect(alerts).toEqual([
      expect.objectContaining({ kind: 'phase_stalled', runId: record.runId, loadId: 'a', phase: 'extract-transform', attempt: 1, worker: 'dead-worker', key: `phase_stalled:${record.runId}:a:extract-transform:g0:a1` }),
    ]);
  });

  it('sends phase_stalled from the restart event when the sweep has not seen the dead worker', async () => {
    await start();
    const record = await orchestrator.createRun({ pipeline: pipeline(), trigger: 'manual', interval: null });
    await orchestrator.markRunning(record.runId, 'a', 'extract-transform', { worker: 'w1', attempt: 1 });
    await orchestrator.markRunning(record.runId, 'a', 'extract-transform', { worker: 'w2', attempt: 2 });
    const alerts = await settled(1);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'phase_stalled', runId: record.runId, attempt: 1, worker: 'w1' })]);
  });

  it('stops promptly while a blocking read waits, and leaves no consumer behind', async () => {
    const dispatcher = await startAlertDispatcher({ redis, keyPrefix, logger, webhookUrl: receiver.url, blockMs: 10_000, consumer: 'short-lived' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await dispatcher.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    const consumers = (await redis.xinfo('CONSUMERS', new RunEventLog(redis, keyPrefix).key, ALERTS_GROUP)) as unknown[];
    expect(consumers).toEqual([]);
  });
});
