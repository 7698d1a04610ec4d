import {
  CancelJobRunCommand,
  EMRServerlessClient,
  EMRServerlessServiceException,
  GetJobRunCommand,
  StartJobRunCommand,
  type JobRunState,
} from '@aws-sdk/client-emr-serverless';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { EmrServerlessCompute } from './emr-serverless-compute.js';
import { attemptToken } from './remote-job-name.js';
import { findRepoRoot } from './spark-home.js';
import type { SparkJobSpec } from './spark-job.js';

// State sequences moto's EMR Serverless cannot produce (its job runs succeed at once).

const serverless = mockClient(EMRServerlessClient);
const sparkDir = path.join(findRepoRoot()!, 'spark');
let dir: string;

const spec: SparkJobSpec = {
  runId: 'r1',
  pipelineId: 'p',
  loadId: 'orders',
  interval: null,
  source: { table: 'public.orders', query: null, incrementalColumn: null },
  read: { kind: 'jdbc', url: 'jdbc:postgresql://wh:5432/dw', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dw' },
  transform: null,
  params: {},
  dedupe: null,
  output: { dir: 's3://bucket/runs/r1/orders/data', format: 'csv' },
  manifestPath: 's3://bucket/runs/r1/orders/manifest.json',
};
const key = { runId: 'r1', loadId: 'orders', phase: 'extract-transform' };

function jobRun(state: JobRunState, stateDetails?: string) {
  return { jobRun: { applicationId: 'app1', jobRunId: 'jr1', arn: 'arn', createdBy: 'x', createdAt: new Date(), updatedAt: new Date(), executionRole: 'r', releaseLabel: 'emr-7', jobDriver: undefined, state, stateDetails } };
}

function compute() {
  return new EmrServerlessCompute({
    applicationId: 'app1',
    executionRoleArn: 'arn:aws:iam::123456789012:role/job',
    codePrefix: path.join(dir, 'code'),
    logUri: 's3://logs/serverless/',
    store: new LocalObjectStore(),
    client: new EMRServerlessClient({ region: 'us-east-1' }),
    sparkDir,
    sparkSubmitParameters: ['--conf', 'spark.executor.memory=4g'],
    pollInterval: { initialMs: 10, maxMs: 20, jitter: 0 },
  });
}

function request(extra: Record<string, unknown> = {}) {
  return { spec, workDir: dir, phase: 'extract-transform', attempt: 1, ...extra };
}

beforeEach(async () => {
  serverless.reset();
  dir = await mkdtemp(path.join(os.tmpdir(), 'emr-serverless-'));
  serverless.on(StartJobRunCommand).resolves({ applicationId: 'app1', jobRunId: 'jr1', arn: 'arn' });
  serverless.on(CancelJobRunCommand).resolves({ applicationId: 'app1', jobRunId: 'jr1' });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('EmrServerlessCompute', () => {
  it('starts a job run with a token of the attempt and polls it to SUCCESS', async () => {
    serverless.on(GetJobRunCommand).resolvesOnce(jobRun('SUBMITTED')).resolvesOnce(jobRun('SCHEDULED')).resolvesOnce(jobRun('RUNNING')).resolves(jobRun('SUCCESS'));
    const submitted: string[] = [];
    const result = await compute().run(request(), { onSubmitted: (id) => void submitted.push(id) });
    expect(result).toEqual({ externalId: 'emr-serverless:app1:jr1', logUri: 's3://logs/serverless/applications/app1/jobs/jr1/' });
    expect(submitted).toEqual(['emr-serverless:app1:jr1']);
    expect(serverless.commandCalls(GetJobRunCommand)).toHaveLength(4);
    const input = serverless.commandCalls(StartJobRunCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      applicationId: 'app1',
      clientToken: attemptToken(key, 1),
      executionRoleArn: 'arn:aws:iam::123456789012:role/job',
      name: 'pipeline:r1:orders:extract-transform:a1',
      configurationOverrides: { monitoringConfiguration: { s3MonitoringConfiguration: { logUri: 's3://logs/serverless/' } } },
    });
    const driver = input.jobDriver!.sparkSubmit!;
    expect(driver.entryPoint).toMatch(/\/code\/[0-9a-f]{64}\/load_job\.py$/);
    expect(driver.entryPointArguments![0]).toBe('--spec-json');
    expect(JSON.parse(driver.entryPointArguments![1]!)).toEqual(spec);
    expect(driver.sparkSubmitParameters).toContain('--conf spark.sql.session.timeZone=UTC');
    expect(driver.sparkSubmitParameters).toContain('--conf spark.executor.memory=4g');
    expect(driver.sparkSubmitParameters).toMatch(/--py-files \S+\/code\/[0-9a-f]{64}\/pipeline_spark\.zip$/);
  });

  it('reports RUNNING → FAILED with the state details and the driver log, as retryable; throttling costs only a poll', async () => {
    serverless
      .on(GetJobRunCommand)
      .resolvesOnce(jobRun('RUNNING'))
      .rejectsOnce(Object.assign(new EMRServerlessServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 429 }, message: 'slow down' }), { $retryable: { throttling: true } }))
      .resolves(jobRun('FAILED', 'Job failed, please check complete logs in configured logging destination. ExitCode: 1.'));
    await expect(compute().run(request())).rejects.toMatchObject({
      code: 'E_SPARK_JOB',
      retryable: true,
      details: {
        reason: 'FAILED',
        message: expect.stringContaining('ExitCode: 1'),
        logFile: 's3://logs/serverless/applications/app1/jobs/jr1/SPARK_DRIVER/stderr.gz',
        logUri: 's3://logs/serverless/applications/app1/jobs/jr1/',
      },
    });
    expect(serverless.commandCalls(GetJobRunCommand)).toHaveLength(3);
  });

  it('reconnects to a recorded job run that is still running, or that succeeded, instead of starting one', async () => {
    serverless.on(GetJobRunCommand).resolvesOnce(jobRun('RUNNING')).resolves(jobRun('SUCCESS'));
    await expect(compute().run(request({ attempt: 2, previousExternalId: 'emr-serverless:app1:jr1' }))).resolves.toMatchObject({ externalId: 'emr-serverless:app1:jr1' });
    await expect(compute().run(request({ attempt: 3, previousExternalId: 'emr-serverless:app1:jr1' }))).resolves.toMatchObject({ externalId: 'emr-serverless:app1:jr1' });
    expect(serverless.commandCalls(GetJobRunCommand)).toHaveLength(3);
    expect(serverless.commandCalls(StartJobRunCommand)).toHaveLength(0);
  });

  it('starts a new job run, with the new attempt\'s token, when the recorded one failed', async () => {
    serverless.on(GetJobRunCommand).resolvesOnce(jobRun('FAILED')).resolves(jobRun('SUCCESS'));
    await compute().run(request({ attempt: 4, previousExternalId: 'emr-serverless:app1:jr0' }));
    expect(serverless.commandCalls(StartJobRunCommand)[0]!.args[0].input.clientToken).toBe(attemptToken(key, 4));
  });

  it('cancels the job run when aborted, and reports an outside cancellation', async () => {
    serverless.on(GetJobRunCommand).resolves(jobRun('RUNNING'));
    const controller = new AbortController();
    const running = compute().run(request(), { signal: controller.signal, onSubmitted: () => void setTimeout(() => controller.abort(), 30) });
    await expect(running).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(serverless.commandCalls(CancelJobRunCommand).map((c) => c.args[0].input)).toEqual([{ applicationId: 'app1', jobRunId: 'jr1' }]);

    serverless.on(GetJobRunCommand).resolves(jobRun('CANCELLED', 'Cancelled by user'));
    await expect(compute().run(request())).rejects.toMatchObject({ code: 'E_CANCELLED', retryable: false });
  });

  it('refuses spark-submit parameters with spaces', () => {
    expect(
      () => new EmrServerlessCompute({ applicationId: 'a', executionRoleArn: 'r', codePrefix: dir, store: new LocalObjectStore(), sparkDir, sparkSubmitParameters: ['--conf', 'a=b c'] }),
    ).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});
