import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { retentionGuardKey } from '@pipeline/scheduler';
import { startMoto, uniqueName, type MotoServer } from '@pipeline/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCliFixture, type CliFixture } from './test-support/cli-fixture.js';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const HOUR = 3_600_000;

describe('`pipeline scheduler` with PIPELINE_CLOUDWATCH_NAMESPACE', () => {
  let moto: MotoServer;
  let cloudwatch: CloudWatchClient;
  let f: CliFixture;
  let namespace: string;

  beforeAll(async () => {
    moto = await startMoto();
    cloudwatch = new CloudWatchClient({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS });
  }, 60_000);

  afterAll(async () => {
    cloudwatch?.destroy();
    await moto?.stop();
  });

  beforeEach(async () => {
    // moto keeps metrics for the life of the server: a namespace per test keeps tests apart.
    namespace = uniqueName('Pipeline');
    f = await createCliFixture('cloudwatch', {
      env: {
        PIPELINE_CLOUDWATCH_NAMESPACE: namespace,
        AWS_ENDPOINT_URL_CLOUDWATCH: moto.endpoint,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_REGION: REGION,
      },
    });
  });

  afterEach(async () => f?.teardown());

  async function maximum(queue: string): Promise<number | undefined> {
    const now = Date.now();
    const { Datapoints = [] } = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: namespace,
        MetricName: 'QueueDepth',
        Dimensions: [
          { Name: 'keyPrefix', Value: f.keyPrefix },
          { Name: 'queue', Value: queue },
        ],
        StartTime: new Date(now - 10 * 60_000),
        EndTime: new Date(now + 60_000),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );
    return Datapoints[0]?.Maximum;
  }

  it('puts the queue depth into CloudWatch through the SDK at start, and exits 0 on SIGTERM', async () => {
    const sql = f.orchestrator.queue('sql');
    await sql.add('stage', {}, { jobId: 'w1' });
    await sql.add('stage', {}, { jobId: 'p1', priority: 3 });
    await sql.add('stage', {}, { jobId: 'd1', delay: HOUR });

    const scheduler = f.spawnCli(['scheduler', '--tick', '60']);
    await scheduler.waitFor(/publishing queue depth to CloudWatch/);
    await expect.poll(() => maximum('sql'), { timeout: 30_000, interval: 250 }).toBe(2);
    expect(await maximum('spark')).toBe(0);

    scheduler.child.kill('SIGTERM');
    expect((await scheduler.exited).code, scheduler.output()).toBe(0);
    expect(scheduler.output()).not.toMatch(/queue depth not published to CloudWatch;/);
  }, 90_000);

  it('publishes nothing and says how to turn it on when the namespace is unset', async () => {
    await f.orchestrator.queue('sql').add('stage', {}, { jobId: 'w1' });
    const scheduler = f.spawnCli(['scheduler', '--tick', '60'], { PIPELINE_CLOUDWATCH_NAMESPACE: '' });
    await scheduler.waitFor(/queue depth not published to CloudWatch: set PIPELINE_CLOUDWATCH_NAMESPACE/);
    // The first tick runs once the command's start-up is done and its signal handlers are in place.
    await expect.poll(() => f.redis.exists(retentionGuardKey(f.keyPrefix)), { timeout: 20_000, interval: 50 }).toBe(1);
    scheduler.child.kill('SIGTERM');
    expect((await scheduler.exited).code, scheduler.output()).toBe(0);
    expect(scheduler.output()).not.toMatch(/publishing queue depth/);
  }, 60_000);

  it('refuses a namespace CloudWatch reserves, with exit 2 and what to set', async () => {
    const result = await f.runCli(['scheduler'], { PIPELINE_CLOUDWATCH_NAMESPACE: 'AWS/ECS' });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/metrics\.cloudwatchNamespace: a namespace of your own, such as Pipeline: names starting with AWS\/ are reserved/);
  });
});
