import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { createLogger, type Logger } from '@pipeline/core';
import { Orchestrator, QUEUE_KINDS, registerClusterMetrics, type ClusterReader } from '@pipeline/runs';
import { uniqueName } from '@pipeline/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startScheduler, type Scheduler } from '../loop/start-scheduler.js';
import { startQueueDepthPublisher, type QueueDepthPublisher } from './cloudwatch-publisher.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HOUR = 3_600_000;
const cloudwatch = mockClient(CloudWatchClient);

/** A logger whose JSON lines the test reads back. */
function capturingLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const text: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  return {
    logger,
    lines: () =>
      text
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const puts = () => cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);

describe('the CloudWatch queue-depth publisher', () => {
  let keyPrefix: string;
  let redis: Redis;
  let orchestrator: Orchestrator;
  let read: ClusterReader;
  let publisher: QueueDepthPublisher | undefined;
  let scheduler: Scheduler | undefined;
  let dir: string | undefined;

  beforeEach(async () => {
    cloudwatch.reset();
    keyPrefix = uniqueName('cwpub');
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    orchestrator = new Orchestrator({ redis, keyPrefix, logger: createLogger({ level: 'silent' }) });
    read = registerClusterMetrics(new Registry(), { redis, keyPrefix, store: orchestrator.store, queue: (kind) => orchestrator.queue(kind) });
  });

  afterEach(async () => {
    await publisher?.stop();
    await scheduler?.stop();
    publisher = undefined;
    scheduler = undefined;
    await Promise.all(QUEUE_KINDS.map((kind) => orchestrator.queue(kind).obliterate({ force: true })));
    await orchestrator.close();
    const keys = await redis.keys(`{${keyPrefix}}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('sends one datum per queue: waiting plus prioritized jobs, delayed ones not counted', async () => {
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const sql = orchestrator.queue('sql');
    await sql.add('stage', {}, { jobId: 'w1' });
    await sql.add('stage', {}, { jobId: 'w2' });
    await sql.add('stage', {}, { jobId: 'p1', priority: 5 });
    await sql.add('stage', {}, { jobId: 'd1', delay: HOUR });
    const spark = orchestrator.queue('spark');
    await spark.add('extract', {}, { jobId: 'p2', priority: 1 });
    await spark.add('extract', {}, { jobId: 'd2', delay: HOUR });
    await spark.add('extract', {}, { jobId: 'd3', delay: HOUR });

    const before = Date.now();
    publisher = startQueueDepthPublisher({ namespace: 'Pipeline', keyPrefix, read, logger: createLogger({ level: 'silent' }), client: new CloudWatchClient({ region: 'eu-west-1' }) });
    await vi.waitFor(() => expect(puts()).toHaveLength(1));
    const after = Date.now();

    const [input] = puts();
    expect(input).toEqual({
      Namespace: 'Pipeline',
      MetricData: [
        { MetricName: 'QueueDepth', Dimensions: [{ Name: 'keyPrefix', Value: keyPrefix }, { Name: 'queue', Value: 'spark' }], Unit: 'Count', Value: 1, Timestamp: expect.any(Date) },
        { MetricName: 'QueueDepth', Dimensions: [{ Name: 'keyPrefix', Value: keyPrefix }, { Name: 'queue', Value: 'sql' }], Unit: 'Count', Value: 3, Timestamp: expect.any(Date) },
      ],
    });
    for (const datum of input!.MetricData!) {
      expect(datum.Timestamp!.getTime()).toBeGreaterThanOrEqual(before);
      expect(datum.Timestamp!.getTime()).toBeLessThanOrEqual(after);
    }
  });

  it('logs a failed PutMetricData with the AWS error, warns once per error while it keeps failing, and tries again each interval', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    cloudwatch.on(PutMetricDataCommand).rejectsOnce(throttled).rejectsOnce(throttled).rejectsOnce(throttled).rejectsOnce(refused).resolves({});
    await orchestrator.queue('sql').add('stage', {}, { jobId: 'w1' });
    const { logger, lines } = capturingLogger();

    publisher = startQueueDepthPublisher({ namespace: 'Pipeline', keyPrefix, read, logger, intervalMs: 50, client: new CloudWatchClient({ region: 'eu-west-1' }) });
    await vi.waitFor(() => expect(lines().some((l) => l['msg'] === 'queue depth published to CloudWatch again')).toBe(true));

    // Every attempt sent the same figures: each interval tries again, none gives up.
    expect(puts().length).toBeGreaterThanOrEqual(5);
    expect(new Set(puts().map((p) => p.MetricData!.find((d) => d.Dimensions![1]!.Value === 'sql')!.Value))).toEqual(new Set([1]));
    const warnings = lines().filter((l) => l['level'] === 40);
    expect(warnings.map((w) => ({ error: w['error'], code: w['code'], status: w['status'], failures: w['failures'] }))).toEqual([
      { error: 'ThrottlingException', code: undefined, status: 400, failures: 1 },
      { error: 'Error', code: 'ECONNREFUSED', status: undefined, failures: 4 },
    ]);
    expect(warnings[0]!['msg']).toBe('queue depth not published to CloudWatch; trying again next interval');
    expect(warnings[1]!['suppressed']).toBe(2);
    expect(lines().filter((l) => l['level'] === 20 && l['error'] === 'ThrottlingException')).toHaveLength(2);
    expect(lines().find((l) => l['msg'] === 'queue depth published to CloudWatch again')).toMatchObject({ level: 30, failures: 4 });
  });

  it('abandons a request that does not answer within the timeout, and stop() does not wait for one in flight', async () => {
    cloudwatch.on(PutMetricDataCommand).callsFake(() => new Promise(() => undefined));
    const { logger, lines } = capturingLogger();
    publisher = startQueueDepthPublisher({ namespace: 'Pipeline', keyPrefix, read, logger, intervalMs: 200, timeoutMs: 100, client: new CloudWatchClient({ region: 'eu-west-1' }) });
    await vi.waitFor(() => expect(lines().find((l) => l['level'] === 40)).toMatchObject({ error: 'TimeoutError' }));
    await vi.waitFor(() => expect(puts().length).toBeGreaterThanOrEqual(2));

    const started = Date.now();
    await publisher.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    const sent = puts().length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(puts()).toHaveLength(sent);
  });

  describe('inside the scheduler', () => {
    async function start(options: Partial<Parameters<typeof startScheduler>[0]>): Promise<Scheduler> {
      dir = await mkdtemp(path.join(tmpdir(), 'cwpub-'));
      return startScheduler({ config: { pipelinesDir: dir }, redis, keyPrefix, logger: createLogger({ level: 'silent' }), tickMs: 60_000, ...options });
    }

    it('sends nothing without a namespace, even with the cluster gauges served', async () => {
      cloudwatch.on(PutMetricDataCommand).resolves({});
      await orchestrator.queue('sql').add('stage', {}, { jobId: 'w1' });
      const registry = new Registry();
      scheduler = await start({ metrics: registry });
      await scheduler.tick();
      await registry.metrics();
      await scheduler.tick();
      expect(cloudwatch.calls()).toHaveLength(0);
    });

    it('publishes through a client it builds for the region, keeps ticking while PutMetricData fails, and stops publishing on stop()', async () => {
      cloudwatch.on(PutMetricDataCommand).rejectsOnce(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })).resolves({});
      await orchestrator.queue('sql').add('stage', {}, { jobId: 'w1' });
      scheduler = await start({ cloudwatch: { namespace: 'Pipeline', region: 'eu-west-1', intervalMs: 50 } });
      await vi.waitFor(() => expect(puts().length).toBeGreaterThanOrEqual(3));
      await expect(scheduler.tick()).resolves.toMatchObject({ errors: [] });

      const client = cloudwatch.commandCalls(PutMetricDataCommand)[0]!.thisValue as CloudWatchClient;
      expect(await client.config.region()).toBe('eu-west-1');
      expect(puts()[0]).toMatchObject({ Namespace: 'Pipeline', MetricData: [{ Value: 0 }, { Value: 1 }] });

      await scheduler.stop();
      scheduler = undefined;
      const sent = puts().length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(puts()).toHaveLength(sent);
    });
  });
});
