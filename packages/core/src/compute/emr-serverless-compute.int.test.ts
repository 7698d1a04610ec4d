import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateApplicationCommand, EMRServerlessClient, GetJobRunCommand, ListJobRunsCommand } from '@aws-sdk/client-emr-serverless';
import { startMoto, uniqueName, type MotoServer } from '@pipeline/testing';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../storage/s3-object-store.js';
import { EmrServerlessCompute } from './emr-serverless-compute.js';
import { parseEmrServerlessExternalId } from './remote-external-id.js';
import { findRepoRoot } from './spark-home.js';
import type { SparkJobSpec } from './spark-job.js';

// Over HTTP against moto's EMR Serverless, whose job runs succeed as soon as they start.

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let moto: MotoServer;
let s3: S3Client;
let client: EMRServerlessClient;
let bucket: string;

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  client = new EMRServerlessClient({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS });
  bucket = uniqueName('serverless').replace('_', '-');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  s3?.destroy();
  client?.destroy();
  await moto?.stop();
});

describe('EmrServerlessCompute against moto', () => {
  it('uploads the code, starts the job run the API accepts, and reconnects to it instead of starting another', async () => {
    const { applicationId } = await client.send(new CreateApplicationCommand({ name: uniqueName('app'), releaseLabel: 'emr-7.5.0', type: 'SPARK', clientToken: uniqueName('t') }));
    const store = new S3ObjectStore({ client: s3 });
    const compute = new EmrServerlessCompute({
      applicationId: applicationId!,
      executionRoleArn: 'arn:aws:iam::123456789012:role/pipeline-job',
      codePrefix: `s3://${bucket}/code`,
      logUri: `s3://${bucket}/logs`,
      client,
      store,
      sparkDir: path.join(findRepoRoot()!, 'spark'),
      pollInterval: { initialMs: 10 },
    });
    const spec: SparkJobSpec = {
      runId: uniqueName('run'),
      pipelineId: 'p',
      loadId: 'orders',
      interval: null,
      source: { table: 'public.orders', query: null, incrementalColumn: null },
      read: { kind: 'jdbc', url: 'jdbc:postgresql://wh:5432/dw', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dw' },
      transform: null,
      params: {},
      dedupe: null,
      output: { dir: `s3://${bucket}/runs/r/orders/data`, format: 'csv' },
      manifestPath: `s3://${bucket}/runs/r/orders/manifest.json`,
    };

    const first = await compute.run({ spec, workDir: '/unused', phase: 'extract-transform', attempt: 1 });
    const ref = parseEmrServerlessExternalId(first.externalId)!;
    expect(ref.applicationId).toBe(applicationId);
    expect(first.logUri).toBe(`s3://${bucket}/logs/applications/${applicationId}/jobs/${ref.jobRunId}/`);
    const { jobRun } = await client.send(new GetJobRunCommand({ applicationId, jobRunId: ref.jobRunId }));
    const driver = jobRun!.jobDriver!.sparkSubmit!;
    expect(await store.exists(driver.entryPoint!)).toBe(true);
    const pyFiles = /--py-files (\S+)/.exec(driver.sparkSubmitParameters!)![1]!;
    expect(await store.exists(pyFiles)).toBe(true);
    expect(JSON.parse(driver.entryPointArguments![1]!)).toEqual(spec);

    const again = await compute.run({ spec, workDir: '/unused', phase: 'extract-transform', attempt: 2, previousExternalId: first.externalId });
    expect(again.externalId).toBe(first.externalId);
    const { jobRuns } = await client.send(new ListJobRunsCommand({ applicationId }));
    expect(jobRuns).toHaveLength(1);
  });
});
